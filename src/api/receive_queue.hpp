// The receive side of ESPNow as a plain class: the buffer of messages (an
// RxRing of rxbuf bytes), peers_table with its bound and evictions, and the
// wake-up decisions (who to notify, when the buffer turns readable or empty,
// when a receive's wait is over). Driven by events (opened, closed, a message
// arrived, a receiver waits, a message popped) and given the time; no locks,
// waits or clock reads: ESPNow's shell guards it and acts on its answers.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <unordered_map>
#include <utility>
#include <vector>

#include "espnow/api/espnow.hpp"
#include "rx_ring.hpp"
#include "wait_step.hpp"

namespace espnow::detail {

class ReceiveQueue {
 public:
  // Sizes the buffer (allocates; at activation) and accepts messages.
  void open(std::size_t rxbuf);
  // Drops what is buffered and refuses messages (deactivation); waiting
  // receivers are to be woken, and find it closed.
  void close();
  bool is_open() const { return open_; }
  // A bigger buffer now, keeping what it holds (a version change while open).
  void grow(std::size_t rxbuf) { ring_.grow(rxbuf); }

  // ---- arrivals
  struct Arrival {
    bool stored = false;         // false: no room, drop and count it
    bool now_readable = false;   // the buffer was empty: signal readiness
    bool wake_receiver = false;  // the buffer was empty and someone waits: notify them all
  };
  Arrival on_message(const RxRecordHeader& header, std::span<const std::uint8_t> message);

  // ---- receiving
  // When a receive given `timeout_ms` at `now` stops waiting: 0 at once,
  // > 0 that many ms later, < 0 (or beyond ~35 years) never (nullopt).
  static std::optional<std::chrono::nanoseconds> deadline(std::int64_t timeout_ms, std::chrono::nanoseconds now);
  // A receive waiting for a message (or for the queue to close).
  WaitStep receive_wait(std::optional<std::chrono::nanoseconds> deadline, std::chrono::nanoseconds now) const {
    return WaitStep::toward(!ring_.empty() || !open_, deadline, now);
  }
  void waiter_started() { ++waiters_; }
  void waiter_done() { --waiters_; }

  struct Pop {
    enum Status { empty, too_small, popped } status = empty;  // too_small: it stays buffered
    std::size_t length = 0;
    MessageView message{};    // mac: the peers_table key for the sender; msg: in `out`
    bool now_empty = false;   // the last message went: clear readiness
  };
  // Takes the oldest message into `out`, and records its sender in peers_table.
  Pop pop(std::span<std::uint8_t> out);

  bool empty() const { return ring_.empty(); }
  std::size_t count() const { return ring_.count(); }
  std::size_t bytes_used() const { return ring_.bytes_used(); }

  // ---- peers_table: updated when a message is read, not when it arrives
  // At most `max` senders (>= 1); applies from the next new sender.
  void set_peers_table_max(std::int64_t max) { peers_max_ = max; }
  std::uint64_t evictions() const { return evictions_; }
  std::size_t peers_size() const { return peers_.size(); }
  std::vector<std::pair<MacAddress, PeersTableEntry>> peers_table() const;

 private:
  const MacAddress* record_read(const MacAddress& mac, int rssi, std::uint32_t time_ms);

  RxRing ring_;
  bool open_ = false;
  int waiters_ = 0;
  struct PeersRow {
    PeersTableEntry entry;
    std::uint64_t last_read = 0;  // reads_ when a message from it was last read
  };
  std::unordered_map<MacAddress, PeersRow> peers_;
  std::uint64_t reads_ = 0;
  std::int64_t peers_max_ = Config{}.peers_table_max;
  std::uint64_t evictions_ = 0;
};

}  // namespace espnow::detail
