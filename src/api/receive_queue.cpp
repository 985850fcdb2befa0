#include "receive_queue.hpp"

#include <algorithm>

namespace espnow::detail {

void ReceiveQueue::open(std::size_t rxbuf) {
  ring_.reset(rxbuf);
  open_ = true;
}

void ReceiveQueue::close() {
  ring_.clear();
  open_ = false;
}

ReceiveQueue::Arrival ReceiveQueue::on_message(const RxRecordHeader& header, std::span<const std::uint8_t> message) {
  const bool was_empty = ring_.empty();
  if (!open_ || !ring_.push(header, message)) return {};
  // Receivers wait only on an empty buffer, and are all woken when it fills.
  return {true, was_empty, was_empty && waiters_ > 0};
}

std::optional<std::chrono::nanoseconds> ReceiveQueue::deadline(std::int64_t timeout_ms,
                                                               std::chrono::nanoseconds now) {
  // Beyond ~35 years a wait is forever; larger values would overflow the clock.
  constexpr std::int64_t kForeverMs = std::int64_t{1} << 40;
  if (timeout_ms < 0 || timeout_ms >= kForeverMs) return std::nullopt;
  return now + std::chrono::milliseconds(timeout_ms);
}

ReceiveQueue::Pop ReceiveQueue::pop(std::span<std::uint8_t> out) {
  if (ring_.empty()) return {};
  const RxRecordHeader h = ring_.front();
  if (h.length > out.size()) return {Pop::too_small};
  ring_.pop(out);
  const MacAddress* key = record_read(h.mac, h.rssi, h.time_ms);
  return {Pop::popped, h.length, {key, out.first(h.length), h.rssi, h.time_ms}, ring_.empty()};
}

// Bounded: a neighbour forging source MACs must not grow a long-running
// device's memory, so past the bound the sender read from longest ago goes
// (a linear scan, only when a new sender arrives at a full table).
const MacAddress* ReceiveQueue::record_read(const MacAddress& mac, int rssi, std::uint32_t time_ms) {
  auto it = peers_.find(mac);
  if (it == peers_.end()) {
    while (!peers_.empty() && static_cast<std::int64_t>(peers_.size()) >= peers_max_) {
      peers_.erase(std::min_element(peers_.begin(), peers_.end(), [](const auto& x, const auto& y) {
        return x.second.last_read < y.second.last_read;
      }));
      ++evictions_;
    }
    it = peers_.try_emplace(mac).first;
  }
  it->second = {{rssi, time_ms}, ++reads_};
  return &it->first;  // node-based map: the key's address never changes
}

std::vector<std::pair<MacAddress, PeersTableEntry>> ReceiveQueue::peers_table() const {
  std::vector<std::pair<MacAddress, PeersTableEntry>> out;
  out.reserve(peers_.size());
  for (const auto& [mac, row] : peers_) out.emplace_back(mac, row.entry);
  return out;
}

}  // namespace espnow::detail
