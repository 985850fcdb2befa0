#include "spool.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace espnow::gateway {
namespace {

// Reads the journal's records until its end or a torn last record.
std::map<std::uint64_t, std::pair<double, OutboxEntry>> read_journal(const std::string& path) {
  std::map<std::uint64_t, std::pair<double, OutboxEntry>> pending;
  std::ifstream in(path, std::ios::binary);
  for (std::string line; std::getline(in, line);) {
    std::istringstream head(line);
    char kind = 0;
    std::uint64_t serial = 0;
    if (!(head >> kind >> serial)) break;
    if (kind == 'D') {
      pending.erase(serial);
      continue;
    }
    double wall = 0;
    int received = 0;
    std::size_t n = 0;
    if (kind != 'P' || !(head >> wall >> received >> n)) break;
    OutboxEntry e{.queued_at_s = wall, .received = received != 0, .publications = {}, .serial = serial};
    for (std::size_t i = 0; i < n; ++i) {
      Publication p;
      std::size_t tlen = 0, plen = 0;
      int retain = 0;
      if (!std::getline(in, line)) return pending;
      std::istringstream ph(line);
      if (!(ph >> p.qos >> retain >> tlen >> plen)) return pending;
      p.retain = retain != 0;
      p.topic.resize(tlen);
      p.payload.resize(plen);
      if (!in.read(p.topic.data(), static_cast<std::streamsize>(tlen)) ||
          !in.read(p.payload.data(), static_cast<std::streamsize>(plen)) || in.get() != '\n')
        return pending;  // torn: written when the process died
      e.publications.push_back(std::move(p));
    }
    pending[serial] = {wall, std::move(e)};
  }
  return pending;
}

}  // namespace

Spool::~Spool() {
  if (file_) std::fclose(file_);
}

std::string Spool::open(const std::string& dir, std::vector<OutboxEntry>& pending) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return "--spool: cannot create '" + dir + "': " + ec.message();
  path_ = dir + "/outbox.journal";
  auto left = read_journal(path_);
  // Compacted: only what is pending, written afresh, then renamed over.
  const std::string fresh = path_ + ".new";
  file_ = std::fopen(fresh.c_str(), "wb");
  if (!file_) return "--spool: cannot write '" + fresh + "': " + std::strerror(errno);
  for (auto& [serial, item] : left) {
    item.second.serial = serial;
    write_entry(item.second, item.first);
    item.second.queued_at_s = item.first;
    pending.push_back(std::move(item.second));
    next_serial_ = serial + 1;
  }
  pending_ = pending.size();
  std::fflush(file_);
  if (std::rename(fresh.c_str(), path_.c_str()) != 0) return "--spool: cannot rename '" + fresh + "': " + std::strerror(errno);
  return {};
}

void Spool::write_entry(const OutboxEntry& e, double wall_s) {
  std::fprintf(file_, "P %llu %.6f %d %zu\n", static_cast<unsigned long long>(e.serial), wall_s, e.received ? 1 : 0,
               e.publications.size());
  for (const Publication& p : e.publications) {
    std::fprintf(file_, "%d %d %zu %zu\n", p.qos, p.retain ? 1 : 0, p.topic.size(), p.payload.size());
    std::fwrite(p.topic.data(), 1, p.topic.size(), file_);
    std::fwrite(p.payload.data(), 1, p.payload.size(), file_);
    std::fputc('\n', file_);
  }
}

void Spool::append(OutboxEntry& e, double wall_s) {
  if (!file_) return;
  e.serial = next_serial_++;
  write_entry(e, wall_s);
  std::fflush(file_);  // in the kernel's hands: a crash of ours loses nothing
  ++pending_;
}

void Spool::done(std::uint64_t serial) {
  if (!file_ || serial == 0 || pending_ == 0) return;
  if (--pending_ == 0) {  // nothing left to keep: the journal starts again, empty
    std::fflush(file_);
    if (ftruncate(fileno(file_), 0) == 0) {
      std::rewind(file_);
      return;
    }
  }
  std::fprintf(file_, "D %llu\n", static_cast<unsigned long long>(serial));
  std::fflush(file_);
}

}  // namespace espnow::gateway
