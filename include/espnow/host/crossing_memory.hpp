// What a bridge between two media (a real radio and the UDP air) remembers so
// that each frame crosses once: the recent frames by source and random value
// (the packet number for an encrypted frame, whose random value is encrypted)
// and the side they came from. Host-only; thread-safe.
#pragma once

#include "espnow/host/host_only.hpp"

#include <array>
#include <cstdint>
#include <mutex>
#include <span>

#include "espnow/wire/mac_address.hpp"

namespace espnow::host {

enum class Side : std::uint8_t { radio, air };

class CrossingMemory {
 public:
  enum class Verdict : std::uint8_t {
    cross,      // new, or a retry (its sender heard no ACK): send it to the other side
    loop,       // it crossed from the other side: we sent it there ourselves
    duplicate,  // the same frame again, without the retry bit
    not_espnow, // too short to be an ESP-NOW frame
  };
  // `frame`: an 802.11 frame, FCS included.
  Verdict check(std::span<const std::uint8_t> frame, Side from);

 private:
  struct Entry {
    MacAddress src;
    std::uint64_t id = 0;
    Side from = Side::radio;
  };
  std::mutex mutex_;
  std::array<Entry, 1024> entries_{};  // a ring: the oldest is forgotten first
  std::size_t next_ = 0, used_ = 0;
};

}  // namespace espnow::host
