// The frame Espressif's esp-now component (v2.x) puts at the start of each
// ESP-NOW message (SPEC §7, checked against the component's espnow.h and
// espnow.c): espnow_data_t, 20 packed bytes (type and version, size, the
// 6-byte frame head, destination and source addresses), then the payload.
// The gateway decodes it for senders given --protocol esp-now-component,
// drops repeats by (type, magic) as the component does, answers a frame
// that asks for it with the component's ACK, and wraps commands to those
// senders the same way. Its security handshake, OTA and provisioning are
// not covered.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "espnow/wire/mac_address.hpp"

namespace espnow::gateway {

inline constexpr std::size_t kComponentHeaderLen = 20;
inline constexpr std::uint8_t kComponentVersion = 2;
inline constexpr std::uint8_t kComponentTypeAck = 0, kComponentTypeForward = 1, kComponentTypeGroup = 2,
                              kComponentTypeData = 10;

struct ComponentFrameHead {
  std::uint16_t magic = 0;
  std::uint8_t channel = 0;  // 0: current, 15: all
  bool filter_adjacent_channel = false, filter_weak_signal = false, security = false;
  bool broadcast = false, group = false, ack = false;
  std::uint8_t retransmit_count = 0;  // 5 bits
  std::uint8_t forward_ttl = 0;       // 5 bits; 31 never decrements
  std::int8_t forward_rssi = 0;
};

struct ComponentFrame {
  std::uint8_t type = kComponentTypeData;
  ComponentFrameHead head;
  MacAddress dst, src;
  std::vector<std::uint8_t> payload;
};

// The component's name of a type, lower case, for topics ("data", "ack",
// "forward", ...); nullptr for a type it does not have.
const char* component_type_name(std::uint8_t type);

// The frame in an ESP-NOW message; nothing, with the reason in `why`, when
// the message is not one (short, another version, an unknown type, a size
// that does not match), as the component's receiver drops it.
std::optional<ComponentFrame> parse_component_frame(std::span<const std::uint8_t> message, std::string& why);
std::vector<std::uint8_t> encode_component_frame(const ComponentFrame& f);

// The component's ACK of `f`, from `self`: its frame head, broadcast, sent once.
ComponentFrame component_ack(const ComponentFrame& f, const MacAddress& self);

// The last 32 (type, magic) pairs seen: the component's duplicate filter.
class MagicCache {
 public:
  // True when seen before; else remembers it.
  bool seen(std::uint8_t type, std::uint16_t magic);

 private:
  std::array<std::pair<std::uint8_t, std::uint16_t>, 32> entries_{};
  std::array<bool, 32> used_{};
  std::size_t next_ = 0;
};

}  // namespace espnow::gateway
