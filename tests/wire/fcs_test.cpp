// The FCS against a CRC-32 worked bit by bit from its definition (reflected
// polynomial 0xEDB88320, initial value and final XOR all ones), over every
// length up to a long frame and from every alignment: a fast CRC takes
// different paths for short tails, 16- and 64-byte blocks and unaligned
// starts, and each must give the definition's value.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "espnow/wire/fcs.hpp"

namespace espnow::wire {
namespace {

std::uint32_t crc32_by_definition(std::span<const std::uint8_t> bytes) {
  std::uint32_t crc = 0xFFFFFFFFu;
  for (const std::uint8_t b : bytes) {
    crc ^= b;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

std::vector<std::uint8_t> pattern(std::size_t n) {
  std::vector<std::uint8_t> v(n);
  std::uint32_t x = 0x12345678u;
  for (auto& b : v) x = x * 1103515245u + 12345u, b = static_cast<std::uint8_t>(x >> 24);
  return v;
}

TEST(Fcs, KnownAnswers) {
  EXPECT_EQ(crc32({}), 0u);
  const std::string check = "123456789";  // the catalogue's check value for CRC-32
  EXPECT_EQ(crc32({reinterpret_cast<const std::uint8_t*>(check.data()), check.size()}), 0xCBF43926u);
}

TEST(Fcs, EveryLengthAndAlignmentMatchesTheDefinition) {
  const std::vector<std::uint8_t> bytes = pattern(1600 + 64);
  for (std::size_t offset = 0; offset < 64; offset += 7)
    for (std::size_t n = 0; n <= 1600; n += n < 300 ? 1 : 37) {
      const auto s = std::span(bytes).subspan(offset, n);
      ASSERT_EQ(crc32(s), crc32_by_definition(s)) << "length " << n << ", offset " << offset;
    }
}

TEST(Fcs, WriteThenCheckAndEveryFlippedBitIsCaught) {
  std::vector<std::uint8_t> frame = pattern(293);
  write_fcs(frame);
  EXPECT_TRUE(fcs_ok(frame));
  for (std::size_t i = 0; i < frame.size(); ++i) {
    frame[i] ^= static_cast<std::uint8_t>(1u << (i % 8));
    EXPECT_FALSE(fcs_ok(frame)) << "byte " << i;
    frame[i] ^= static_cast<std::uint8_t>(1u << (i % 8));
  }
  EXPECT_FALSE(fcs_ok(std::span(frame).first(3)));  // shorter than an FCS
}

}  // namespace
}  // namespace espnow::wire
