// An access point's beacon (IEEE 802.11-2020, 9.3.3.2): the management frame
// a router broadcasts every beacon interval at the lowest basic rate. The
// routers of a simulated air send it (emul's add_access_point), so chips on
// their channel share the medium with them and captures and sniffers see
// them as they see a real router's.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "espnow/wire/mac_address.hpp"

namespace espnow::wire {

struct Beacon {
  MacAddress bssid;
  std::string_view ssid;           // up to 32 bytes; longer is cut there
  std::uint8_t channel = 1;        // the DS Parameter Set's and HT Operation's
  bool protected_network = false;  // WPA2-PSK with CCMP: the Privacy bit and an RSN element
  std::uint64_t timestamp_us = 0;  // the AP's TSF as it sends
  std::uint16_t interval_tu = 100; // 1 TU = 1024 us: 102.4 ms, the common default
  std::uint16_t sequence = 0;      // 12-bit sequence number
};

// The frame, FCS included: header, timestamp, interval and capabilities
// (ESS, short preamble and slot time, Privacy when protected), then the
// elements SSID, Supported Rates (802.11b's four basic rates and 6..18),
// DS Parameter Set, TIM (DTIM every beacon, nothing buffered), ERP, Extended
// Supported Rates (24..54), RSN when protected, HT Capabilities (MCS 0-7,
// 20 MHz) and HT Operation.
std::vector<std::uint8_t> encode_beacon(const Beacon& beacon);

}  // namespace espnow::wire
