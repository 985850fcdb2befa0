#include "rx_ring.hpp"

#include <algorithm>
#include <cstring>

namespace espnow::detail {
namespace {

void encode_header(const RxRecordHeader& h, std::uint8_t* p) {
  p[0] = static_cast<std::uint8_t>(h.length);
  p[1] = static_cast<std::uint8_t>(h.length >> 8);
  p[2] = static_cast<std::uint8_t>(h.rssi);
  for (int i = 0; i < 4; ++i) p[3 + i] = static_cast<std::uint8_t>(h.time_ms >> (8 * i));
  std::memcpy(p + 7, h.mac.bytes.data(), 6);
}

RxRecordHeader decode_header(const std::uint8_t* p) {
  RxRecordHeader h;
  h.length = static_cast<std::uint16_t>(p[0] | (p[1] << 8));
  h.rssi = static_cast<std::int8_t>(p[2]);
  for (int i = 0; i < 4; ++i) h.time_ms |= static_cast<std::uint32_t>(p[3 + i]) << (8 * i);
  h.mac = MacAddress::read(p + 7);
  return h;
}

}  // namespace

void RxRing::reset(std::size_t capacity) {
  buf_.assign(capacity, 0);
  buf_.shrink_to_fit();
  clear();
}

void RxRing::grow(std::size_t capacity) {
  if (capacity <= buf_.size()) return;
  std::vector<std::uint8_t> bigger(capacity, 0);
  if (used_ > 0) read(0, bigger.data(), used_);  // unwrapped: the oldest record first
  buf_.swap(bigger);
  head_ = 0;
}

void RxRing::write(std::size_t offset, const std::uint8_t* src, std::size_t n) {
  const std::size_t pos = (head_ + offset) % buf_.size();
  const std::size_t first = std::min(n, buf_.size() - pos);
  std::memcpy(buf_.data() + pos, src, first);
  std::memcpy(buf_.data(), src + first, n - first);
}

void RxRing::read(std::size_t offset, std::uint8_t* dst, std::size_t n) const {
  const std::size_t pos = (head_ + offset) % buf_.size();
  const std::size_t first = std::min(n, buf_.size() - pos);
  std::memcpy(dst, buf_.data() + pos, first);
  std::memcpy(dst + first, buf_.data(), n - first);
}

bool RxRing::push(const RxRecordHeader& header, std::span<const std::uint8_t> message) {
  const std::size_t need = kOverhead + message.size();
  if (need > buf_.size() - used_) return false;
  std::uint8_t hdr[kOverhead];
  RxRecordHeader h = header;
  h.length = static_cast<std::uint16_t>(message.size());
  encode_header(h, hdr);
  write(used_, hdr, kOverhead);
  if (!message.empty()) write(used_ + kOverhead, message.data(), message.size());
  used_ += need;
  ++count_;
  return true;
}

RxRecordHeader RxRing::front() const {
  std::uint8_t hdr[kOverhead];
  read(0, hdr, kOverhead);
  return decode_header(hdr);
}

void RxRing::pop(std::span<std::uint8_t> out) {
  const RxRecordHeader h = front();
  if (h.length) read(kOverhead, out.data(), h.length);
  const std::size_t size = kOverhead + h.length;
  head_ = (head_ + size) % buf_.size();
  used_ -= size;
  if (--count_ == 0) head_ = used_ = 0;  // keep records contiguous when possible
}

}  // namespace espnow::detail
