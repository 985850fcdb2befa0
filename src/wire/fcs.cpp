#include "espnow/wire/fcs.hpp"

#include <isa-l/crc.h>

#include "byte_order.hpp"

namespace espnow::wire {

// The FCS is the reflected CRC-32 of IEEE 802.3 (zlib's and gzip's):
// ISA-L's crc32_gzip_refl, which folds 64 bytes at a time with carry-less
// multiplication where the CPU has it (on any CPU it gives the same value).
std::uint32_t crc32(std::span<const std::uint8_t> bytes) noexcept {
  return ::crc32_gzip_refl(0, bytes.data(), bytes.size());
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
