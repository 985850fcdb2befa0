#include "espnow/sim/spatial_order.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace espnow::sim {
namespace {

constexpr std::uint32_t kGrid = 1u << 16;  // cells per side

// The distance along the Hilbert curve of order 16 of cell (x, y): the
// curve's quadrant at each level, from the coarsest, rotating the rest as the
// curve turns (the textbook xy-to-d conversion).
std::uint64_t hilbert_index(std::uint32_t x, std::uint32_t y) {
  std::uint64_t d = 0;
  for (std::uint32_t s = kGrid / 2; s > 0; s /= 2) {
    const std::uint32_t rx = (x & s) ? 1 : 0;
    const std::uint32_t ry = (y & s) ? 1 : 0;
    d += std::uint64_t{s} * s * ((3 * rx) ^ ry);
    if (ry == 0) {
      if (rx == 1) {
        x = s - 1 - (x & (s - 1));
        y = s - 1 - (y & (s - 1));
      }
      std::swap(x, y);
    }
    x &= s - 1;
    y &= s - 1;
  }
  return d;
}

// The cell of v in [lo, lo + span]: 0 .. kGrid - 1.
std::uint32_t cell(double v, double lo, double span) {
  if (!(span > 0)) return 0;
  const double c = (v - lo) / span * (kGrid - 1);
  return static_cast<std::uint32_t>(std::clamp(c, 0.0, double(kGrid - 1)));
}

}  // namespace

std::vector<std::uint32_t> spatial_order(std::span<const Position> positions) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  double x0 = kInf, y0 = kInf, x1 = -kInf, y1 = -kInf;
  for (const Position& p : positions) {
    if (!std::isfinite(p.x) || !std::isfinite(p.y)) continue;
    x0 = std::min(x0, p.x), x1 = std::max(x1, p.x);
    y0 = std::min(y0, p.y), y1 = std::max(y1, p.y);
  }
  const double span = std::max(x1 - x0, y1 - y0);  // square cells: the curve keeps distances alike both ways
  std::vector<std::pair<std::uint64_t, std::uint32_t>> keyed(positions.size());
  for (std::uint32_t i = 0; i < positions.size(); ++i) {
    const Position& p = positions[i];
    const bool finite = std::isfinite(p.x) && std::isfinite(p.y);
    keyed[i] = {finite ? hilbert_index(cell(p.x, x0, span), cell(p.y, y0, span)) : ~std::uint64_t{0}, i};
  }
  std::sort(keyed.begin(), keyed.end());
  std::vector<std::uint32_t> order(keyed.size());
  for (std::size_t k = 0; k < keyed.size(); ++k) order[k] = keyed[k].second;
  return order;
}

}  // namespace espnow::sim
