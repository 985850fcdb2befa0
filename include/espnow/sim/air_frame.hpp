// What the discrete-event air carries: a frame's addressing and length (the
// real ESP-NOW frame's length, from the wire encoder), and one transmission
// of it.
#pragma once

#include <cstdint>

#include "espnow/sim/engine.hpp"
#include "espnow/wire/mac_address.hpp"
#include "espnow/wire/phy.hpp"

namespace espnow::sim {

enum class FrameKind : std::uint8_t { data, ack };

struct AirFrame {
  FrameKind kind = FrameKind::data;
  MacAddress src;
  MacAddress dst;
  std::uint32_t bytes = 0;  // the MPDU with its FCS
  PhyRate rate = PhyRate::r1m;
  std::uint16_t seq = 0;    // 802.11 sequence number (duplicate detection)
  bool retry = false;
  std::uint64_t tag = 0;    // the sender's name for the message it carries
  Time nav = 0;             // the Duration field: SIFS + ACK for a unicast, 0 otherwise
};

// One frame on the air.
struct Transmission {
  std::uint64_t id = 0;
  std::uint32_t from = 0;    // station index
  std::uint8_t channel = 1;
  double tx_dbm = 0.0;
  Time start = 0;
  Time duration = 0;
  AirFrame frame;
};

}  // namespace espnow::sim
