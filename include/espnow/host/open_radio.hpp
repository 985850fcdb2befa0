// Opening a radio from a spec string, for every front end (the CLI, the
// Python binding's ESPNOW_RADIO, examples):
//
//   udp://GROUP:PORT[?iface=..&ttl=..]  a radio on that simulated UDP air
//   udp                                 the air of $ESPNOW_AIR, or the default air
//   linux:IFACE                         a Wi-Fi interface in monitor mode
//   linux-test:IFACE                    TEST ONLY: the veth transport (software ACKs)
//   linux-replay:FILE                   a radiotap capture replayed into the receive path
//
// Host-only (espnow_host).
#pragma once

#include "espnow/host/host_only.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "espnow/host/linux_radio.hpp"
#include "espnow/radio/udp_air.hpp"

namespace espnow::host {

struct OpenRadioOptions {
  std::optional<MacAddress> mac;  // UDP air: required; Linux: default the interface's
  std::uint8_t channel = 1;
  Position position{};            // UDP air only
  bool long_range = false;        // UDP air only
  bool promiscuous = false;       // Linux: every ESP-NOW frame to the monitor, no own role
};

// Owns whatever the radio needs (the UDP air, or the Linux radio).
struct OpenedRadio {
  Radio* radio = nullptr;
  std::unique_ptr<UdpAir> air;
  UdpRadio* udp_radio = nullptr;
  std::unique_ptr<LinuxRadio> linux_radio;
  std::string description;  // e.g. "udp://239.255.0.1:47474" or "linux:wlan1"
};

// A failure's detail says what went wrong and how to fix it. Its code is
// host_errc::bad_spec when the spec itself is wrong (unknown scheme, bad
// URL): a usage error; otherwise the opener's (errno, host_errc, errc).
Result<OpenedRadio> open_radio(std::string_view spec, const OpenRadioOptions& options = {});
// ESPNOW_RADIO if set and not empty, else the UDP air of ESPNOW_AIR (or the default).
Result<OpenedRadio> open_radio_from_environment(const OpenRadioOptions& options = {});

}  // namespace espnow::host
