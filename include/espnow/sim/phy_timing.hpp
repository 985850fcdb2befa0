// 802.11 timing for one PHY rate (docs/simulation.md, "Constants"): slot,
// SIFS, DIFS, EIFS, contention window bounds, ACK timeout and frame
// durations, in virtual nanoseconds.
#pragma once

#include <cstdint>

#include "espnow/sim/engine.hpp"
#include "espnow/wire/phy.hpp"

namespace espnow::sim {

struct PhyTiming {
  Time slot;
  Time sifs;
  Time difs;             // SIFS + 2 slots
  Time eifs;             // SIFS + an ACK at the lowest basic rate + DIFS, after a frame received in error
  Time preamble_header;  // PLCP preamble and header: the PHY's receive-start delay
  Time ack_timeout;      // after the data frame ends: SIFS + slot + receive-start delay
  std::uint32_t cw_min;
  std::uint32_t cw_max;
  PhyRate ack_rate;
};

PhyTiming timing_for(PhyRate rate) noexcept;

// Time on air of a PPDU carrying `bytes` (the MPDU with its FCS).
Time frame_duration(PhyRate rate, std::uint32_t bytes) noexcept;

// The rate (kbps) the PLCP header is sent at: 1 Mbps for DSSS/CCK.
std::uint32_t header_kbps(PhyRate rate) noexcept;

}  // namespace espnow::sim
