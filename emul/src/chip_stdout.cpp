// Per-chip prefixed output (chip_stdout.hpp), through glibc's fopencookie:
// `stdout` and `stderr` become unbuffered streams whose writes land here with
// the writer's thread, and so its selected chip, still known.
#include "chip_stdout.hpp"

#include <ext/stdio_sync_filebuf.h>
#include <stdio.h>

#include <iostream>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "espnow_emul.hpp"

namespace espnow::emul {
namespace {

class ChipLines {
 public:
  explicit ChipLines(FILE* out) : out_(out) {}

  void write(std::string_view text) {
    EmulatedChip* chip = selected_chip_or_null();
    std::lock_guard lock(mutex_);
    std::string& pending = pending_of(chip);
    pending.append(text);
    std::size_t start = 0;
    for (std::size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1)
      put(chip, std::string_view(pending).substr(start, nl + 1 - start));
    pending.erase(0, start);
    std::fflush(out_);  // a line at a time, as the chip's UART, even into a pipe
  }

  void flush() {
    std::lock_guard lock(mutex_);
    for (auto& [chip, pending] : pending_) {
      if (pending.empty()) continue;
      put(chip, pending + "\n");
      pending.clear();
    }
    std::fflush(out_);
  }

 private:
  std::string& pending_of(EmulatedChip* chip) {
    for (auto& [c, pending] : pending_)
      if (c == chip) return pending;
    return pending_.emplace_back(chip, std::string()).second;
  }

  void put(EmulatedChip* chip, std::string_view line) {
    if (chip) {
      const std::string mac = to_string(chip->radio().mac(Interface::sta)) + " ";
      std::fwrite(mac.data(), 1, mac.size(), out_);
    }
    std::fwrite(line.data(), 1, line.size(), out_);
  }

  FILE* out_;
  std::mutex mutex_;
  // Each chip's unfinished line, in the order the chips first printed (so
  // flush() is as deterministic as the printing).
  std::vector<std::pair<EmulatedChip*, std::string>> pending_;
};

ChipLines* g_out = nullptr;
ChipLines* g_err = nullptr;

ssize_t write_cookie(void* cookie, const char* data, size_t size) {
  static_cast<ChipLines*>(cookie)->write({data, size});
  return static_cast<ssize_t>(size);
}

// An unbuffered stream whose writes go to `lines`, or null (no memory).
FILE* open_prefixed(ChipLines* lines) {
  cookie_io_functions_t io{};
  io.write = write_cookie;
  FILE* f = fopencookie(lines, "w", io);
  if (f) setvbuf(f, nullptr, _IONBF, 0);
  return f;
}

}  // namespace

void prefix_output_by_chip() {
  if (g_out) return;
  std::fflush(stdout);
  std::fflush(stderr);
  // For the process's life: tasks may print until _exit.
  g_out = new ChipLines(stdout);
  g_err = new ChipLines(stderr);
  FILE* out = open_prefixed(g_out);
  FILE* err = open_prefixed(g_err);
  if (out) {
    stdout = out;
    // std::cout writes to the FILE it was made with: point it at this one.
    static __gnu_cxx::stdio_sync_filebuf<char> cout_buffer(out);
    std::cout.rdbuf(&cout_buffer);
  }
  if (err) {
    stderr = err;
    static __gnu_cxx::stdio_sync_filebuf<char> cerr_buffer(err);
    std::cerr.rdbuf(&cerr_buffer);
    std::clog.rdbuf(&cerr_buffer);
  }
}

void flush_chip_lines() {
  std::cout.flush();
  if (g_out) g_out->flush();
  if (g_err) g_err->flush();
}

}  // namespace espnow::emul
