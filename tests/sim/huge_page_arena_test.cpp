// HugePageArena: objects made in 2 MB pieces, aligned, apart, destroyed by
// their owners.
#include "espnow/sim/huge_page_arena.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

using espnow::sim::HugePageArena;

namespace {

struct alignas(64) Counted {
  explicit Counted(int& counter, int v) : live(counter), value(v) { ++live; }
  ~Counted() { --live; }
  int& live;
  int value;
  char payload[200];
};

std::uintptr_t address(const void* p) { return reinterpret_cast<std::uintptr_t>(p); }

}  // namespace

TEST(HugePageArena, MakesAlignedObjectsThatDoNotOverlapAcrossPieces) {
  int live = 0;
  {
    HugePageArena arena;
    std::vector<std::unique_ptr<Counted, HugePageArena::Destroy>> made;
    const int n = 3 * static_cast<int>(HugePageArena::kPiece / sizeof(Counted));  // three pieces' worth
    for (int i = 0; i < n; ++i) made.emplace_back(arena.make<Counted>(live, i));
    EXPECT_EQ(live, n);
    std::vector<std::uintptr_t> at;
    for (int i = 0; i < n; ++i) {
      EXPECT_EQ(made[i]->value, i);
      EXPECT_EQ(address(made[i].get()) % alignof(Counted), 0u);
      at.push_back(address(made[i].get()));
    }
    std::sort(at.begin(), at.end());
    for (std::size_t i = 1; i < at.size(); ++i) ASSERT_GE(at[i] - at[i - 1], sizeof(Counted));
    // Each piece starts on a huge page: the first object of the arena does.
    EXPECT_EQ(address(made[0].get()) % HugePageArena::kPiece, 0u);
    made.clear();
    EXPECT_EQ(live, 0);
  }
}

TEST(HugePageArena, AnObjectLargerThanAPieceGetsItsOwn) {
  HugePageArena arena;
  const std::size_t big = HugePageArena::kPiece + 4096;
  auto* p = static_cast<unsigned char*>(arena.allocate(big, 64));
  p[0] = 1;
  p[big - 1] = 2;  // all of it is there
  EXPECT_EQ(address(p) % HugePageArena::kPiece, 0u);
  auto* q = static_cast<unsigned char*>(arena.allocate(16, 8));
  EXPECT_TRUE(address(q) >= address(p) + big || address(q) + 16 <= address(p));
}
