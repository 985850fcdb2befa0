// The bridge's memory: each frame crosses once, in one direction.
#include <gtest/gtest.h>

#include <vector>

#include "espnow/wire/frame.hpp"
#include "espnow/host/crossing_memory.hpp"

using namespace espnow;
using namespace espnow::literals;
using host::CrossingMemory;
using host::Side;
using Verdict = CrossingMemory::Verdict;

namespace {

std::vector<std::uint8_t> frame(MacAddress src, std::uint32_t random, bool retry = false) {
  std::vector<std::uint8_t> out(wire::kMaxFrameSize);
  const std::vector<std::uint8_t> msg = {'h', 'i'};
  out.resize(wire::encode({.dst = MacAddress::broadcast(), .src = src, .random = random, .retry = retry}, msg, out).size);
  return out;
}

constexpr MacAddress kReal = "24:6f:28:00:00:01"_mac, kVirtual = "02:00:00:00:00:0e"_mac;

TEST(CrossingMemory, ANewFrameCrossesAndComingBackFromTheOtherSideIsALoop) {
  CrossingMemory m;
  EXPECT_EQ(m.check(frame(kReal, 1), Side::radio), Verdict::cross);
  EXPECT_EQ(m.check(frame(kReal, 1), Side::air), Verdict::loop);
}

TEST(CrossingMemory, TheSameFrameAgainIsADuplicateButARetryCrosses) {
  CrossingMemory m;
  EXPECT_EQ(m.check(frame(kVirtual, 7), Side::air), Verdict::cross);
  EXPECT_EQ(m.check(frame(kVirtual, 7), Side::air), Verdict::duplicate);
  EXPECT_EQ(m.check(frame(kVirtual, 7, true), Side::air), Verdict::cross);
}

TEST(CrossingMemory, SourceAndRandomValueTogetherNameAFrame) {
  CrossingMemory m;
  EXPECT_EQ(m.check(frame(kReal, 1), Side::radio), Verdict::cross);
  EXPECT_EQ(m.check(frame(kVirtual, 1), Side::radio), Verdict::cross);  // same random, other source
  EXPECT_EQ(m.check(frame(kReal, 2), Side::radio), Verdict::cross);     // same source, other random
}

TEST(CrossingMemory, TheOldestFramesAreForgottenAfter1024Others) {
  CrossingMemory m;
  EXPECT_EQ(m.check(frame(kReal, 0), Side::radio), Verdict::cross);
  for (std::uint32_t r = 1; r <= 1024; ++r) ASSERT_EQ(m.check(frame(kReal, r), Side::radio), Verdict::cross);
  EXPECT_EQ(m.check(frame(kReal, 0), Side::air), Verdict::cross);  // forgotten: no longer a loop
}

TEST(CrossingMemory, ShortFramesAreNotEspNow) {
  CrossingMemory m;
  const std::vector<std::uint8_t> ack(14, 0);
  EXPECT_EQ(m.check(ack, Side::radio), Verdict::not_espnow);
}

}  // namespace
