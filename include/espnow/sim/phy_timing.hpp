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
  Time eifs;             // after a frame received in error: SIFS + a 1 Mbps ACK + DIFS = 364 µs at every rate
  Time preamble_header;  // PLCP preamble and header: the PHY's receive-start delay
  Time ack_timeout;      // after the data frame ends: SIFS + slot + receive-start delay
  std::uint32_t cw_min;
  std::uint32_t cw_max;
  PhyRate ack_rate;
};

PhyTiming timing_for(PhyRate rate) noexcept;

// The TXTIME of a PPDU carrying `bytes` (the MPDU with its FCS; OFDM's signal extension included).
Time frame_duration(PhyRate rate, std::uint32_t bytes) noexcept;

// The rate (kbps) the PLCP header is sent at: 1 Mbps for DSSS/CCK.
std::uint32_t header_kbps(PhyRate rate) noexcept;

}  // namespace espnow::sim
