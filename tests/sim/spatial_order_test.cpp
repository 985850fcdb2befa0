// spatial_order: a permutation in which neighbours on the field come together.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <vector>

#include "espnow/sim/spatial_order.hpp"

using namespace espnow;
using namespace espnow::sim;

namespace {

bool is_permutation_of_indices(const std::vector<std::uint32_t>& order, std::size_t n) {
  std::vector<std::uint32_t> sorted = order;
  std::sort(sorted.begin(), sorted.end());
  for (std::uint32_t i = 0; i < n; ++i)
    if (sorted.size() != n || sorted[i] != i) return false;
  return true;
}

}  // namespace

TEST(SpatialOrder, EmptyAndSingle) {
  EXPECT_TRUE(spatial_order({}).empty());
  const std::vector<Position> one{{5, 7}};
  EXPECT_EQ(spatial_order(one), std::vector<std::uint32_t>{0});
}

// On a square grid the Hilbert curve visits every point, each next to the one
// before it: whatever order the points come in, consecutive ones are 1 m apart.
TEST(SpatialOrder, WalksASquareGridFromNeighbourToNeighbour) {
  constexpr int kSide = 32;
  std::vector<Position> grid;
  for (int i = 0; i < kSide * kSide; ++i) {
    const int scrambled = (i * 389) % (kSide * kSide);  // 389 is prime: a permutation
    grid.push_back({double(scrambled % kSide), double(scrambled / kSide)});
  }
  const std::vector<std::uint32_t> order = spatial_order(grid);
  ASSERT_TRUE(is_permutation_of_indices(order, grid.size()));
  for (std::size_t k = 1; k < order.size(); ++k) {
    const Position a = grid[order[k - 1]], b = grid[order[k]];
    EXPECT_EQ(std::abs(a.x - b.x) + std::abs(a.y - b.y), 1.0) << "step " << k;
  }
}

// What the layout is for: the radios within reach of one (here a disc of a
// tenth of the field's width) lie in few runs of the order, not scattered.
TEST(SpatialOrder, ADiscOfNeighboursFallsInFewRuns) {
  std::vector<Position> field;
  std::uint64_t state = 12345;
  auto next = [&state] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return double(state >> 11) / double(1ull << 53);
  };
  for (int i = 0; i < 10000; ++i) field.push_back({next() * 1000, next() * 1000});
  const std::vector<std::uint32_t> order = spatial_order(field);
  ASSERT_TRUE(is_permutation_of_indices(order, field.size()));
  std::vector<std::uint32_t> place(field.size());
  for (std::uint32_t k = 0; k < order.size(); ++k) place[order[k]] = k;
  const Position centre{500, 500};
  std::vector<std::uint32_t> inside;
  for (std::uint32_t i = 0; i < field.size(); ++i)
    if (std::hypot(field[i].x - centre.x, field[i].y - centre.y) <= 100) inside.push_back(place[i]);
  std::sort(inside.begin(), inside.end());
  std::size_t runs = inside.empty() ? 0 : 1;
  for (std::size_t k = 1; k < inside.size(); ++k) runs += inside[k] != inside[k - 1] + 1;
  ASSERT_GT(inside.size(), 250u);
  EXPECT_LT(runs, inside.size() / 8) << inside.size() << " radios in " << runs << " runs";  // 19 runs for 317 here
}

TEST(SpatialOrder, TiesKeepIndexOrderAndPositionsThatAreNotFiniteComeLast) {
  constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<Position> p{{kNan, 0}, {3, 3}, {0, 0}, {3, 3}, {0, std::numeric_limits<double>::infinity()}, {0, 0}};
  EXPECT_EQ(spatial_order(p), (std::vector<std::uint32_t>{2, 5, 1, 3, 0, 4}));
}
