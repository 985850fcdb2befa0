#include "spool.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace espnow::gateway {
namespace {

// A field longer than this is damage, not a message (a payload is at most a
// few kB of JSON): it would otherwise be allocated.
constexpr std::size_t kMaxField = 1 << 24;

using Pending = std::map<std::uint64_t, std::pair<double, OutboxEntry>>;
enum class Record { read, bad, torn };

// One record from its head line on. `bad`: it does not read, and reading
// goes on at the next line; `torn`: the file ends inside it (written when
// the process died).
Record read_record(std::istream& in, const std::string& head_line, Pending& pending) {
  std::istringstream head(head_line);
  char kind = 0;
  std::uint64_t serial = 0;
  if (!(head >> kind >> serial)) return Record::bad;
  if (kind == 'D') return pending.erase(serial), Record::read;
  double wall = 0;
  int received = 0;
  std::size_t n = 0;
  if (kind != 'P' || !(head >> wall >> received >> n)) return Record::bad;
  OutboxEntry e{.queued_at_s = wall, .received = received != 0, .publications = {}, .serial = serial};
  for (std::size_t i = 0; i < n; ++i) {
    Publication p;
    std::size_t tlen = 0, plen = 0;
    int retain = 0;
    std::string line;
    if (!std::getline(in, line)) return Record::torn;
    std::istringstream ph(line);
    if (!(ph >> p.qos >> retain >> tlen >> plen) || tlen > kMaxField || plen > kMaxField) return Record::bad;
    p.retain = retain != 0;
    p.topic.resize(tlen);
    p.payload.resize(plen);
    if (!in.read(p.topic.data(), static_cast<std::streamsize>(tlen)) ||
        !in.read(p.payload.data(), static_cast<std::streamsize>(plen)))
      return Record::torn;
    const int end = in.get();
    if (end == EOF) return Record::torn;
    if (end != '\n') return Record::bad;
    e.publications.push_back(std::move(p));
  }
  pending[serial] = {wall, std::move(e)};
  return Record::read;
}

struct Journal {
  Pending pending;
  std::vector<std::streamoff> damage;  // where each run of lines that did not read starts (bytes)
};

Journal read_journal(const std::string& path) {
  Journal j;
  std::ifstream in(path, std::ios::binary);
  bool in_damage = false;
  std::streamoff at = 0;
  for (std::string line; std::getline(in, line); at = in.tellg()) {
    const Record r = read_record(in, line, j.pending);
    if (r == Record::torn) break;
    if (r == Record::bad && !in_damage) j.damage.push_back(at);
    in_damage = r == Record::bad;
  }
  return j;
}

// Another gateway on the same spool would replace the journal under it.
std::string lock(const std::string& dir, int& fd) {
  const std::string path = dir + "/lock";
  fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return "--spool: cannot open '" + path + "': " + std::strerror(errno);
  if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return {};
  if (errno == EWOULDBLOCK) return "--spool: '" + dir + "' is in use by another gateway (it holds " + path + ")";
  return "--spool: cannot lock '" + path + "': " + std::strerror(errno);
}

}  // namespace

Spool::~Spool() {
  if (file_) std::fclose(file_);
  if (lock_fd_ >= 0) ::close(lock_fd_);  // and the lock with it
}

std::string Spool::open(const std::string& dir, std::vector<OutboxEntry>& pending) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return "--spool: cannot create '" + dir + "': " + ec.message();
  if (std::string error = lock(dir, lock_fd_); !error.empty()) return error;
  path_ = dir + "/outbox.journal";
  Journal journal = read_journal(path_);
  if (!journal.damage.empty()) {  // compaction would lose what did not read: the file is kept
    const std::string kept = path_ + ".damaged";
    std::fprintf(stderr, "gateway: --spool: %s: %zu damaged part(s) did not read and are skipped (the first at "
                 "byte %lld); the journal as it was is kept as %s\n", path_.c_str(), journal.damage.size(),
                 static_cast<long long>(journal.damage.front()), kept.c_str());
    if (std::rename(path_.c_str(), kept.c_str()) != 0) return "--spool: cannot rename '" + path_ + "': " + std::strerror(errno);
  }
  auto& left = journal.pending;
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
