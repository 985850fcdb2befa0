// What a Linux radio needs from nl80211 (the kernel's Wi-Fi configuration
// interface), through libnl: an interface's MAC, type and channel, whether its
// driver can run an "active" monitor (one that ACKs unicasts to its MAC), and
// setting the channel. Host-only.
#pragma once

#include "espnow/host/host_only.hpp"

#include <cstdint>
#include <string>

#include "espnow/common/result.hpp"
#include "espnow/wire/mac_address.hpp"

namespace espnow::host {

// A Wi-Fi interface as nl80211 knows it.
struct WifiInterface {
  bool monitor = false;           // its type is monitor
  MacAddress mac{};
  std::uint32_t frequency_mhz = 0;  // 0 when the kernel does not say
  bool active_monitor_supported = false;
};

// On failure, with why in words: host_errc::no_interface (no such name),
// host_errc::nl80211 (no netlink socket, or no Wi-Fi driver in the kernel) or
// host_errc::not_wireless (nl80211 does not know the interface).
Result<WifiInterface> query_wifi_interface(const std::string& name);

// Sets a 20 MHz channel (1..14) on the interface. On failure host_errc::nl80211
// (or no_interface), with the kernel's refusal in words.
Result<void> set_wifi_channel(const std::string& name, std::uint8_t channel);

}  // namespace espnow::host
