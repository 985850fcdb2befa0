// What /proc says of this process's threads: whether each blocks a signal.
#pragma once

#include <sys/syscall.h>
#include <unistd.h>

#include <csignal>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace espnow::test {

struct ThreadMask {
  long tid;
  std::string name;
  std::uint64_t blocked;  // SigBlk: bit n-1 for signal n
  bool blocks(int sig) const { return (blocked >> (sig - 1)) & 1; }
};

// Every thread of this process but the calling one.
inline std::vector<ThreadMask> other_threads() {
  std::vector<ThreadMask> out;
  const long self = static_cast<long>(::syscall(SYS_gettid));
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/task")) {
    const long tid = std::stol(entry.path().filename().string());
    if (tid == self) continue;
    ThreadMask t{tid, {}, 0};
    std::ifstream status(entry.path() / "status");
    for (std::string line; std::getline(status, line);) {
      if (line.rfind("Name:", 0) == 0) t.name = line.substr(line.find_first_not_of(" \t", 5));
      if (line.rfind("SigBlk:", 0) == 0) t.blocked = std::stoull(line.substr(7), nullptr, 16);
    }
    out.push_back(t);
  }
  return out;
}

}  // namespace espnow::test
