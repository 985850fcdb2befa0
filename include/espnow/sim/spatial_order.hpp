// An order of positions in which neighbours on the field come near each
// other: along a Hilbert curve over their bounding box. A large simulation
// lays out the state of its radios (and of what sits on them) in this order,
// so that the few hundred radios a frame reaches share pages and lines
// instead of being scattered over the whole field's memory. Only memory
// follows it: radios keep their indices, so a run's output does not change.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "espnow/wire/air_physics.hpp"

namespace espnow::sim {

// The indices of `positions` (0 .. size-1), each once, in curve order; ties
// (the same cell of a 65,536 x 65,536 grid over the bounding box) in index
// order. Positions that are not finite come last, in index order.
std::vector<std::uint32_t> spatial_order(std::span<const Position> positions);

}  // namespace espnow::sim
