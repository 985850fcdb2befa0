// --spool DIR: the outbox kept on disk too, so that a restart of the
// gateway (or its crash) loses nothing it had not yet published. A journal,
// DIR/outbox.journal: a record for each entry queued ("P") and for each
// entry the broker confirmed or the queue dropped ("D"); written through at
// once (a crashed process loses nothing written; no fsync per message, so a
// power cut may lose the last ones). Emptied whenever nothing is pending,
// compacted when opened. One gateway at a time: DIR/lock is held (flock)
// while open. A record that does not read (the file damaged) is skipped,
// the rest read on, and the journal as it was kept beside it.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "outbox.hpp"

namespace espnow::gateway {

class Spool {
 public:
  Spool() = default;
  ~Spool();
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;

  // Opens (creating) DIR's journal; the entries a previous run left pending,
  // oldest first, go to `pending` (queued_at_s then holds their Unix time).
  // An error's text, or empty. Damage found is said on stderr.
  std::string open(const std::string& dir, std::vector<OutboxEntry>& pending);
  bool is_open() const { return file_ != nullptr; }
  // Writes `e` (its Unix time `wall_s`) and gives it its serial.
  void append(OutboxEntry& e, double wall_s);
  // The entry of `serial` needs no keeping any more.
  void done(std::uint64_t serial);
  std::uint64_t pending() const { return pending_; }

 private:
  void write_entry(const OutboxEntry& e, double wall_s);
  std::string path_;
  std::FILE* file_ = nullptr;
  int lock_fd_ = -1;
  std::uint64_t next_serial_ = 1;
  std::uint64_t pending_ = 0;
};

}  // namespace espnow::gateway
