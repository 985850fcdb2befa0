// espnow sim's per-flow reception counts (tools/reception_counts.hpp): every
// reception is counted once for its node, whatever order they come in.
#include "reception_counts.hpp"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <vector>

namespace espnow::cli {
namespace {

std::map<std::uint32_t, std::uint64_t> counts_of(const ReceptionCounts& c) {
  std::map<std::uint32_t, std::uint64_t> out;
  c.for_each([&](std::uint32_t node, std::uint64_t n) { EXPECT_TRUE(out.emplace(node, n).second) << node; });
  return out;
}

TEST(ReceptionCounts, CountsEachNodeAsOftenAsItReceived) {
  ReceptionCounts c;
  for (std::uint32_t node : {7u, 7u, 3u, 9u, 7u, 3u}) c.count(node);
  EXPECT_EQ(counts_of(c), (std::map<std::uint32_t, std::uint64_t>{{3, 2}, {7, 3}, {9, 1}}));
  EXPECT_EQ(c.nodes(), 3u);
}

// How the air delivers: the same listeners in the same order frame after
// frame, each frame losing a random few, nodes first heard late, and now and
// then a run of losses longer than the look-ahead. The counts must match a
// plain map's whatever the ring's order has become.
TEST(ReceptionCounts, FramesThatSkipListenersAtRandomAreCountedExactly) {
  std::mt19937 rng(5);
  std::vector<std::uint32_t> listeners(400);
  for (std::uint32_t k = 0; k < listeners.size(); ++k) listeners[k] = (k * 7919u) % 10007u;
  ReceptionCounts c;
  std::map<std::uint32_t, std::uint64_t> expected;
  for (int frame = 0; frame < 60; ++frame) {
    std::bernoulli_distribution lost(frame < 3 ? 0.6 : 0.1);  // early frames reach few: the ring grows late
    for (std::size_t k = 0; k < listeners.size(); ++k) {
      if (frame % 7 == 4 && k >= 100 && k < 130) continue;  // a burst of losses past the look-ahead
      if (lost(rng)) continue;
      c.count(listeners[k]);
      ++expected[listeners[k]];
    }
  }
  EXPECT_EQ(counts_of(c), expected);
}

TEST(ReceptionCounts, ReceptionsInAnyOrderAreCountedExactly) {
  std::mt19937 rng(11);
  std::uniform_int_distribution<std::uint32_t> node(0, 3000);
  ReceptionCounts c;
  std::map<std::uint32_t, std::uint64_t> expected;
  for (int i = 0; i < 50000; ++i) {
    const std::uint32_t n = node(rng);
    c.count(n);
    ++expected[n];
  }
  EXPECT_EQ(counts_of(c), expected);
}

}  // namespace
}  // namespace espnow::cli
