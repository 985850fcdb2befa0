// The BPF filter of a Linux radio, as a readable pcap expression: only the
// frames the stack needs leave the kernel. Host-only.
#pragma once

#include "espnow/host/host_only.hpp"

#include <string>

#include "espnow/wire/mac_address.hpp"

namespace espnow::host {

// How a packet starts. A monitor interface (and a capture file) has link type
// radiotap (127), where libpcap's `wlan` keywords skip the radiotap header. The
// veth test transport carries the same bytes on an Ethernet link, so the
// filter finds the 802.11 header itself, after it_len (bytes 2-3, little-endian).
enum class FilterLink { radiotap, radiotap_in_ethernet };

enum class FilterScope {
  device,      // ESP-NOW to `us` or broadcast, ACKs to `us`, reports of our own frames
  everything,  // every ESP-NOW frame and every ACK (capture, bridge)
};

std::string espnow_filter(FilterLink link, FilterScope scope, const MacAddress& us);

}  // namespace espnow::host
