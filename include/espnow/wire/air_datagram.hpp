// The UDP air's datagram: a small versioned header, then a payload. For a
// radio frame the payload is the real 802.11 frame (FCS included), so a
// capture of the air shows genuine ESP-NOW frames; the other kinds say which
// radios a process has (presence), so that a unicast to a MAC nobody owns
// fails as fast as on a chip.
//
//   offset size field
//   0      4    magic "ESPN"
//   4      1    air protocol version (3)
//   5      1    kind: 0 frame, 1 hello (announce yourselves), 2 presence, 3 goodbye
//   6      1    channel (1..14)
//   7      1    rate (wifi_phy_rate_t)
//   8      1    transmit power, dBm (int8)
//   9      3    reserved (0)
//   12     4    sender x, metres (IEEE float, little-endian)
//   16     4    sender y
//   20     8    sender id (little-endian): which process and radio sent it
//   28     4    tag: the sending radio's number for this frame (0: untagged,
//               e.g. relayed from a real radio); in an ACK, the tag of the
//               frame it acknowledges
//   32     4    stream: the frame's number among the sending radio's frames
//               to its destination (unicasts only)
//   36     4    base: the lowest stream number to that destination the
//               sender still retries; every lower one is finished
//   40     n    payload
//
// Presence payload: bridged channels (u16 bit mask, bit c = channel c), the
// radio count (u16), then per radio kPresenceEntryLen bytes: id (u64), STA
// MAC, AP MAC, flags (bit 0 STA active, 1 AP active, 2 long range), channel,
// x, y (f32).
//
// Also the 802.11 ACK frame (D4 00, RA, FCS) that acknowledges unicasts. An
// ACK datagram's payload is one ACK frame, then the tags (u32 each) of more
// frames it acknowledges after the header's: a receiver sends one datagram
// for all the frames of one sender it read in one wake-up (version 3).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "espnow/wire/air_physics.hpp"
#include "espnow/wire/mac_address.hpp"
#include "espnow/wire/phy.hpp"

namespace espnow::wire {

inline constexpr std::uint8_t kAirVersion = 3;
inline constexpr std::size_t kAirHeaderLen = 40;
inline constexpr std::size_t kAckFrameLen = 14;  // FC, duration, RA, FCS
inline constexpr std::uint8_t kAckFrameControl = 0xD4;  // an ACK frame's first byte
inline constexpr std::size_t kPresenceEntryLen = 32;

enum class AirKind : std::uint8_t { frame = 0, hello = 1, presence = 2, goodbye = 3 };

struct AirHeader {
  std::uint8_t channel = 1;
  PhyRate rate = PhyRate::r1m;
  std::int8_t tx_power_dbm = 20;
  Position position{};
  std::uint64_t sender_id = 0;
  AirKind kind = AirKind::frame;
  std::uint32_t tag = 0;
  std::uint32_t stream = 0;
  std::uint32_t base = 0;
};

enum class AirError : std::uint8_t { ok, too_short, bad_magic, wrong_version, bad_channel, bad_rate, no_frame, bad_kind };
std::string_view to_string(AirError e) noexcept;

struct AirParse {
  AirHeader header;
  std::span<const std::uint8_t> frame;  // the payload: a view into the datagram
  AirError error = AirError::ok;
  constexpr bool ok() const noexcept { return error == AirError::ok; }
};

// Header + payload into `out`; returns the datagram size, 0 if `out` is too small.
std::size_t encode_air_datagram(const AirHeader& header, std::span<const std::uint8_t> payload,
                                std::span<std::uint8_t> out) noexcept;
// Checks the header only (and that a frame datagram carries at least an ACK's
// bytes); the frame's FCS is the receiver's to verify.
AirParse parse_air_datagram(std::span<const std::uint8_t> datagram) noexcept;

// An 802.11 ACK to `ra`, FCS included: kAckFrameLen bytes.
void encode_ack(const MacAddress& ra, std::span<std::uint8_t, kAckFrameLen> out) noexcept;
// True (and the RA) for a well-formed ACK frame with a good FCS.
bool parse_ack(std::span<const std::uint8_t> frame, MacAddress& ra) noexcept;

// An ACK datagram's payload: the ACK frame to `ra`, then `more_tags`.
// Returns its size, 0 if `out` is too small.
std::size_t encode_acks(const MacAddress& ra, std::span<const std::uint32_t> more_tags,
                        std::span<std::uint8_t> out) noexcept;
// The payload of an ACK datagram: the RA and the tags after the header's.
struct AckParse {
  MacAddress ra{};
  std::vector<std::uint32_t> more_tags;
};
// nullopt unless the payload is a good ACK frame followed by whole tags.
std::optional<AckParse> parse_acks(std::span<const std::uint8_t> payload);

// One radio as a presence datagram describes it.
struct RadioPresence {
  std::uint64_t id = 0;
  MacAddress sta{}, ap{};
  bool sta_active = false, ap_active = false, long_range = false;
  std::uint8_t channel = 1;
  Position position{};
  // `mac` is one of its active interfaces' (as AirRadio::owns).
  bool owns(const MacAddress& mac) const noexcept { return (sta_active && sta == mac) || (ap_active && ap == mac); }
};

struct Presence {
  std::uint16_t bridged_channels = 0;
  std::vector<RadioPresence> radios;
};

std::vector<std::uint8_t> encode_presence(const Presence& p);
// nullopt when the payload's length does not match its count, or a channel is bad.
std::optional<Presence> parse_presence(std::span<const std::uint8_t> payload);

}  // namespace espnow::wire
