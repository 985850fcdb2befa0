// Copies of one firmware module (firmware_copies.hpp).
#include "firmware_copies.hpp"

#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

#include "chip_state.hpp"
#include "espnow_emul.hpp"

// Defined by a program that espnow_add_firmware makes (the module's file
// name); absent from one linked with espnow::idf_emul_main alone.
extern "C" __attribute__((weak)) const char espnow_firmware_module[];

namespace espnow::emul {
namespace {

std::string reason(int error) { return std::strerror(error); }

// One descriptor more than the limit allows is a failed copy, not a crash:
// the soft limit rises towards the hard one as copies are kept.
void make_room_for_a_file(std::size_t open_copies) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  const rlim_t wanted = static_cast<rlim_t>(open_copies) + 64;
  if (limit.rlim_cur >= wanted) return;
  limit.rlim_cur = limit.rlim_max == RLIM_INFINITY ? wanted * 2 : std::min(limit.rlim_max, wanted * 2);
  setrlimit(RLIMIT_NOFILE, &limit);
}

// How much of a 64-bit ELF file the loader maps: up to the end of its last
// segment. What follows (debug information, the section headers) is most of
// a debug build's module, and each copy would hold it in memory. 0 when the
// file is not one the loader of this process would take as it is.
off_t loaded_bytes(int fd, off_t file_size) {
  Elf64_Ehdr header{};
  if (::pread(fd, &header, sizeof header, 0) != static_cast<ssize_t>(sizeof header)) return 0;
  if (std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0 || header.e_ident[EI_CLASS] != ELFCLASS64 ||
      header.e_phentsize != sizeof(Elf64_Phdr))
    return 0;
  off_t end = static_cast<off_t>(header.e_phoff + header.e_phnum * sizeof(Elf64_Phdr));
  for (unsigned i = 0; i < header.e_phnum; ++i) {
    Elf64_Phdr segment{};
    const off_t at = static_cast<off_t>(header.e_phoff + i * sizeof segment);
    if (::pread(fd, &segment, sizeof segment, at) != static_cast<ssize_t>(sizeof segment)) return 0;
    end = std::max(end, static_cast<off_t>(segment.p_offset + segment.p_filesz));
  }
  return end <= file_size ? end : 0;
}

// A copy without what lies past `bytes` says it has no section headers.
bool drop_section_headers(int copy) {
  Elf64_Ehdr header{};
  if (::pread(copy, &header, sizeof header, 0) != static_cast<ssize_t>(sizeof header)) return false;
  header.e_shoff = 0;
  header.e_shnum = 0;
  header.e_shstrndx = SHN_UNDEF;
  return ::pwrite(copy, &header, sizeof header, 0) == static_cast<ssize_t>(sizeof header);
}

// A file in memory holding the module's loaded bytes, or -1 with `error` set.
int copy_into_memory(const std::string& module, std::string& error) {
  const int source = ::open(module.c_str(), O_RDONLY | O_CLOEXEC);
  if (source < 0) {
    error = "cannot read the firmware module " + module + ": " + reason(errno);
    return -1;
  }
  struct stat status{};
  int copy = fstat(source, &status) == 0 ? memfd_create("espnow-firmware-copy", MFD_CLOEXEC) : -1;
  if (copy < 0) error = "cannot copy the firmware module " + module + ": " + reason(errno);
  const off_t loaded = copy >= 0 ? loaded_bytes(source, status.st_size) : 0;
  const off_t size = loaded > 0 ? loaded : status.st_size;
  for (off_t offset = 0; copy >= 0 && offset < size;) {
    if (sendfile(copy, source, &offset, static_cast<std::size_t>(size - offset)) <= 0) {
      error = "cannot copy the firmware module " + module + ": " + reason(errno);
      ::close(copy);
      copy = -1;
    }
  }
  if (copy >= 0 && loaded > 0 && loaded < status.st_size && !drop_section_headers(copy)) {
    error = "cannot copy the firmware module " + module + ": " + reason(errno);
    ::close(copy);
    copy = -1;
  }
  ::close(source);
  return copy;
}

}  // namespace

FirmwareCopies::~FirmwareCopies() {
  for (const Copy& c : copies_)
    if (c.file >= 0) ::close(c.file);
}

AppMain FirmwareCopies::load(std::string& error, void** loaded) {
  // The first copy is the file itself (a debugger finds it by its name); the
  // others are files of their own in memory, named by a path that stays
  // valid for a debugger while the chips run (/proc/PID/fd/N).
  std::string path = module_;
  if (loaded_ == 0 && ::access(path.c_str(), R_OK) != 0) {
    error = "cannot read the firmware module " + module_ + ": " + reason(errno) +
            " (espnow_add_firmware builds it beside the program: keep the two together)";
    return nullptr;
  }
  int file = -1;
  if (loaded_ > 0) {
    make_room_for_a_file(copies_.size());
    file = copy_into_memory(module_, error);
    if (file < 0) return nullptr;
    path = "/proc/" + std::to_string(getpid()) + "/fd/" + std::to_string(file);
  }
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    // dlerror begins with the path, which for a copy means nothing to the user.
    std::string why = dlerror();
    if (why.rfind(path + ": ", 0) == 0) why.erase(0, path.size() + 2);
    error = "cannot load the firmware module " + module_ + ": " + why;
    if (file >= 0) ::close(file);
    return nullptr;
  }
  ++loaded_;
  copies_.push_back({handle, file});
  if (loaded) *loaded = handle;
  auto entry = reinterpret_cast<AppMain>(dlsym(handle, "app_main"));
  if (entry == nullptr) error = "the firmware module " + module_ + " has no app_main()";
  return entry;
}

void FirmwareCopies::unload(void* handle) {
  const auto it = std::find_if(copies_.begin(), copies_.end(), [handle](const Copy& c) { return c.handle == handle; });
  if (it == copies_.end()) return;
  dlclose(handle);
  // The loader knew the copy by its descriptor's path, and a copy it keeps
  // (one with unique symbols cannot be unloaded) would be taken for the next
  // copy opened at that path: then the descriptor stays open.
  if (it->file >= 0) {
    const std::string path = "/proc/" + std::to_string(getpid()) + "/fd/" + std::to_string(it->file);
    if (void* kept = dlopen(path.c_str(), RTLD_NOW | RTLD_NOLOAD)) {
      dlclose(kept);
      return;
    }
    ::close(it->file);
  }
  copies_.erase(it);
}

void* module_symbol(AppMain function, const char* symbol) {
  Dl_info in_module{}, in_program{};
  if (function == nullptr || dladdr(reinterpret_cast<void*>(function), &in_module) == 0 ||
      dladdr(reinterpret_cast<void*>(&module_symbol), &in_program) == 0 || in_module.dli_fbase == in_program.dli_fbase)
    return nullptr;
  // Already loaded: this only finds its handle (and counts one more use of it).
  void* handle = dlopen(in_module.dli_fname, RTLD_NOW | RTLD_NOLOAD);
  if (handle == nullptr) return nullptr;
  void* found = dlsym(handle, symbol);
  dlclose(handle);
  return found;
}

void adopt_firmware_hooks(EmulatedChip& chip, AppMain entry) {
  chip.state().services.task_wdt_user_handler =
      reinterpret_cast<void (*)(void)>(module_symbol(entry, "esp_task_wdt_isr_user_handler"));
}

std::string firmware_module_path() {
  if (espnow_firmware_module == nullptr) return {};
  // Beside the program, wherever it was built or installed.
  char self[4096];
  const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return espnow_firmware_module;
  std::string path(self, static_cast<std::size_t>(n));
  return path.substr(0, path.rfind('/') + 1) + espnow_firmware_module;
}

}  // namespace espnow::emul
