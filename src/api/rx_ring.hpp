// The receive buffer of ESPNow: a byte-accounted ring, sized once at
// active(True). Each message costs a 7-byte header (length, RSSI, time), the
// 6-byte sender MAC and the message itself, so the default 526 bytes hold
// exactly two 250-byte messages. Records may wrap around the end. Not
// thread-safe: ESPNow guards it.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "espnow/wire/mac_address.hpp"

namespace espnow::detail {

struct RxRecordHeader {
  std::uint16_t length = 0;
  std::int8_t rssi = 0;
  std::uint32_t time_ms = 0;
  MacAddress mac;
};

class RxRing {
 public:
  static constexpr std::size_t kOverhead = 7 + 6;

  void reset(std::size_t capacity);  // allocates; drops everything buffered
  void clear() { head_ = used_ = count_ = 0; }
  // Room for `capacity` bytes, what is buffered kept in order; never shrinks.
  void grow(std::size_t capacity);
  // False (and nothing stored) when the message does not fit.
  bool push(const RxRecordHeader& header, std::span<const std::uint8_t> message);
  bool empty() const { return count_ == 0; }
  std::size_t count() const { return count_; }
  std::size_t bytes_used() const { return used_; }
  std::size_t capacity() const { return buf_.size(); }
  // The oldest record's header; the ring must not be empty.
  RxRecordHeader front() const;
  // Removes the oldest record, copying its message into `out`, which must
  // hold front().length bytes.
  void pop(std::span<std::uint8_t> out);

 private:
  void write(std::size_t offset, const std::uint8_t* src, std::size_t n);
  void read(std::size_t offset, std::uint8_t* dst, std::size_t n) const;

  std::vector<std::uint8_t> buf_;
  std::size_t head_ = 0;   // start of the oldest record
  std::size_t used_ = 0;   // bytes in use
  std::size_t count_ = 0;  // records
};

}  // namespace espnow::detail
