#include "espnow/wire/fcs.hpp"

#include <zlib.h>

#include "byte_order.hpp"

namespace espnow::wire {

std::uint32_t crc32(std::span<const std::uint8_t> bytes) noexcept {
  return static_cast<std::uint32_t>(
      ::crc32(0L, bytes.data(), static_cast<uInt>(bytes.size())));
}

void write_fcs(std::span<std::uint8_t> frame) noexcept {
  if (frame.size() < kFcsLen) return;
  const auto body = frame.first(frame.size() - kFcsLen);
  put_le32(frame.data() + body.size(), crc32(body));
}

bool fcs_ok(std::span<const std::uint8_t> frame) noexcept {
  if (frame.size() < kFcsLen) return false;
  const auto body = frame.first(frame.size() - kFcsLen);
  return get_le32(frame.data() + body.size()) == crc32(body);
}

}  // namespace espnow::wire
