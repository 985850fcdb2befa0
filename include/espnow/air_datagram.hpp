// The UDP air's datagram: a small versioned header, then the real 802.11
// frame (FCS included), so a capture of the air shows genuine ESP-NOW frames.
//
//   offset size field
//   0      4    magic "ESPN"
//   4      1    air protocol version (1)
//   5      1    flags (reserved, 0)
//   6      1    channel (1..14)
//   7      1    rate (wifi_phy_rate_t)
//   8      1    transmit power, dBm (int8)
//   9      3    reserved (0)
//   12     4    sender x, metres (IEEE float, little-endian)
//   16     4    sender y
//   20     8    sender id (little-endian): which process and radio sent it
//   28     n    the 802.11 frame, FCS included
//
// Also the 802.11 ACK frame (D4 00, RA, FCS) that acknowledges unicasts.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "espnow/air_physics.hpp"
#include "espnow/mac_address.hpp"
#include "espnow/phy.hpp"

namespace espnow::wire {

inline constexpr std::uint8_t kAirVersion = 1;
inline constexpr std::size_t kAirHeaderLen = 28;
inline constexpr std::size_t kAckFrameLen = 14;  // FC, duration, RA, FCS

struct AirHeader {
  std::uint8_t channel = 1;
  PhyRate rate = PhyRate::r1m;
  std::int8_t tx_power_dbm = 20;
  Position position{};
  std::uint64_t sender_id = 0;
};

enum class AirError : std::uint8_t { ok, too_short, bad_magic, wrong_version, bad_channel, bad_rate, no_frame };
std::string_view to_string(AirError e) noexcept;

struct AirParse {
  AirHeader header;
  std::span<const std::uint8_t> frame;  // view into the datagram
  AirError error = AirError::ok;
  constexpr bool ok() const noexcept { return error == AirError::ok; }
};

// Header + frame into `out`; returns the datagram size, 0 if `out` is too small.
std::size_t encode_air_datagram(const AirHeader& header, std::span<const std::uint8_t> frame,
                                std::span<std::uint8_t> out) noexcept;
// Checks the header only; the frame's FCS is the receiver's to verify.
AirParse parse_air_datagram(std::span<const std::uint8_t> datagram) noexcept;

// An 802.11 ACK to `ra`, FCS included: kAckFrameLen bytes.
void encode_ack(const MacAddress& ra, std::span<std::uint8_t, kAckFrameLen> out) noexcept;
// True (and the RA) for a well-formed ACK frame with a good FCS.
bool parse_ack(std::span<const std::uint8_t> frame, MacAddress& ra) noexcept;

}  // namespace espnow::wire
