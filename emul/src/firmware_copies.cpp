// Copies of one firmware module (firmware_copies.hpp).
#include "firmware_copies.hpp"

#include <dlfcn.h>
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

// A file in memory holding the module's bytes, or -1 with `error` set.
int copy_into_memory(const std::string& module, std::string& error) {
  const int source = ::open(module.c_str(), O_RDONLY | O_CLOEXEC);
  if (source < 0) {
    error = "cannot read the firmware module " + module + ": " + reason(errno);
    return -1;
  }
  struct stat status{};
  int copy = fstat(source, &status) == 0 ? memfd_create("espnow-firmware-copy", MFD_CLOEXEC) : -1;
  if (copy < 0) error = "cannot copy the firmware module " + module + ": " + reason(errno);
  for (off_t offset = 0; copy >= 0 && offset < status.st_size;) {
    if (sendfile(copy, source, &offset, static_cast<std::size_t>(status.st_size - offset)) <= 0) {
      error = "cannot copy the firmware module " + module + ": " + reason(errno);
      ::close(copy);
      copy = -1;
    }
  }
  ::close(source);
  return copy;
}

}  // namespace

FirmwareCopies::~FirmwareCopies() {
  for (const int f : files_) ::close(f);
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
  if (loaded_ > 0) {
    make_room_for_a_file(files_.size());
    const int copy = copy_into_memory(module_, error);
    if (copy < 0) return nullptr;
    files_.push_back(copy);
    path = "/proc/" + std::to_string(getpid()) + "/fd/" + std::to_string(copy);
  }
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    // dlerror begins with the path, which for a copy means nothing to the user.
    std::string why = dlerror();
    if (why.rfind(path + ": ", 0) == 0) why.erase(0, path.size() + 2);
    error = "cannot load the firmware module " + module_ + ": " + why;
    return nullptr;
  }
  ++loaded_;
  if (loaded) *loaded = handle;
  auto entry = reinterpret_cast<AppMain>(dlsym(handle, "app_main"));
  if (entry == nullptr) error = "the firmware module " + module_ + " has no app_main()";
  return entry;
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
