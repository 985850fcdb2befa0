// What the gateway owes the broker, in order: each entry the publications
// of one event (a received message: raw, raw under GW, JSON). Bounded by a
// count and an age, so an absent broker costs bounded memory; what has to
// go is dropped oldest first, and counted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <vector>

namespace espnow::gateway {

struct Publication {
  std::string topic;
  std::string payload;
  int qos = 1;
  bool retain = false;
};

struct OutboxEntry {
  double queued_at_s = 0;  // steady clock, seconds
  bool received = false;   // a received message (counted as published once handed over)
  std::vector<Publication> publications;
  std::uint64_t serial = 0;  // its record in the spool (0: none)
};

struct OutboxDrops {
  std::uint64_t full = 0;     // dropped as the queue was at its size
  std::uint64_t too_old = 0;  // dropped as older than the age limit
};

class Outbox {
 public:
  Outbox(std::size_t max_entries, double max_age_s) : max_entries_(max_entries), max_age_s_(max_age_s) {}

  void push(OutboxEntry entry);
  // Drops the entries older than the age limit at `now_s`.
  void expire(double now_s);
  bool empty() const { return entries_.empty(); }
  std::size_t size() const { return entries_.size(); }
  OutboxEntry& front() { return entries_.front(); }
  void pop() { entries_.pop_front(); }
  const OutboxDrops& drops() const { return drops_; }
  // Told of each entry dropped (the spool forgets it).
  std::function<void(const OutboxEntry&)> on_drop;

 private:
  std::size_t max_entries_;
  double max_age_s_;
  std::deque<OutboxEntry> entries_;
  OutboxDrops drops_;
};

}  // namespace espnow::gateway
