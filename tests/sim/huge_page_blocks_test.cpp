// HugePageBlocks: size classes at most a quarter over the request, blocks
// given back and reused within their class, vectors that grow in it.
#include "espnow/sim/huge_page_blocks.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory_resource>
#include <numeric>
#include <vector>

using espnow::sim::HugePageBlocks;

namespace {

std::uintptr_t address(const void* p) { return reinterpret_cast<std::uintptr_t>(p); }

}  // namespace

TEST(HugePageBlocks, SizeClassesCoverTheRequestWithAtMostAQuarterMore) {
  std::size_t last_bytes = 0, last_index = SIZE_MAX;
  for (std::size_t bytes = 1; bytes <= (std::size_t{1} << 22); bytes += 1 + bytes / 97) {
    const HugePageBlocks::SizeClass c = HugePageBlocks::size_class(bytes);
    ASSERT_GE(c.bytes, bytes) << bytes;
    ASSERT_TRUE(c.bytes == 64 || 4 * c.bytes <= 5 * bytes) << bytes << " -> " << c.bytes;
    ASSERT_EQ(c.bytes % 16, 0u) << bytes;
    // Larger requests never get a smaller class; a class is one size.
    ASSERT_GE(c.bytes, last_bytes);
    ASSERT_EQ(c.bytes == last_bytes, c.index == last_index) << bytes;
    last_bytes = c.bytes;
    last_index = c.index;
  }
  EXPECT_EQ(HugePageBlocks::size_class(64).bytes, 64u);
  EXPECT_EQ(HugePageBlocks::size_class(65).bytes, 80u);
  EXPECT_EQ(HugePageBlocks::size_class(128).bytes, 128u);
  EXPECT_EQ(HugePageBlocks::size_class(129).bytes, 160u);
  EXPECT_EQ(HugePageBlocks::size_class(17000).bytes, 20480u);
}

TEST(HugePageBlocks, AGivenBackBlockIsReusedForItsClassOnly) {
  HugePageBlocks blocks;
  void* a = blocks.allocate(17000, 8);
  void* b = blocks.allocate(17000, 8);
  EXPECT_NE(a, b);
  EXPECT_EQ(address(a) % HugePageBlocks::kAlign, 0u);
  blocks.deallocate(a, 17000, 8);
  void* other = blocks.allocate(1000, 8);  // another class: not a
  EXPECT_NE(other, a);
  EXPECT_EQ(blocks.allocate(20000, 8), a);  // same class (20480 bytes): a again
  void* fresh = blocks.allocate(17000, 8);  // none given back: new
  EXPECT_TRUE(fresh != a && fresh != b && fresh != other);
}

TEST(HugePageBlocks, BlocksDoNotOverlapAndHoldTheirBytes) {
  HugePageBlocks blocks;
  std::vector<std::pair<unsigned char*, std::size_t>> got;
  for (std::size_t n = 1; n < 300000; n = n * 3 + 7) {
    auto* p = static_cast<unsigned char*>(blocks.allocate(n, 16));
    for (std::size_t i = 0; i < n; ++i) p[i] = static_cast<unsigned char>(n + i);
    got.emplace_back(p, n);
  }
  for (const auto& [p, n] : got)
    for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(p[i], static_cast<unsigned char>(n + i)) << n;
  for (const auto& [p, n] : got) blocks.deallocate(p, n, 16);
}

TEST(HugePageBlocks, AStricterAlignmentThanABlocksIsStillHonoured) {
  HugePageBlocks blocks;
  void* p = blocks.allocate(100, 4096);
  EXPECT_EQ(address(p) % 4096, 0u);
  blocks.deallocate(p, 100, 4096);
}

TEST(HugePageBlocks, VectorsGrowInItAndKeepTheirElements) {
  HugePageBlocks blocks;
  std::pmr::vector<std::uint32_t> a(&blocks), b(&blocks);
  for (std::uint32_t i = 0; i < 100000; ++i) {
    a.push_back(i);
    b.push_back(2 * i);
  }
  std::vector<std::uint32_t> want(100000);
  std::iota(want.begin(), want.end(), 0u);
  EXPECT_TRUE(std::equal(a.begin(), a.end(), want.begin()));
  for (std::uint32_t i = 0; i < b.size(); ++i) ASSERT_EQ(b[i], 2 * i);
}
