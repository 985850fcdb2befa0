// A router's beacons on a Simulation's air: a radio of the air at the
// router's place and power, on its channel, that broadcasts an 802.11 beacon
// (wire/beacon.hpp) every 102.4 ms at 1 Mbps for as long as the simulation
// runs. Chips and devices on that channel contend with it, sniffers and
// captures see it, as they would a real router. The routers of the ESP-IDF
// emulation (emul::add_access_point) and of espnow-python --sim (--router)
// are made of one each.
//
//   espnow::add_beacon_source(sim, {.bssid = b, .ssid = "home", .channel = 6, .position = {5, 0}});
#pragma once

#include <cstdint>
#include <string>

#include "espnow/common/result.hpp"
#include "espnow/devices/simulation.hpp"

namespace espnow {

struct BeaconSource {
  MacAddress bssid;
  std::string ssid;                // up to 32 bytes
  std::uint8_t channel = 1;
  bool protected_network = false;  // WPA2-PSK: the beacon's Privacy bit and RSN element
  Position position{};
  double tx_power_dbm = 20.0;
};

// From the first beacon at a phase of the BSSID's within one interval after
// now(). errc::arg for a group BSSID or a channel outside 1..14. The
// simulation keeps the source; between runs, from the thread that runs it.
Result<void> add_beacon_source(Simulation& sim, const BeaconSource& source);

}  // namespace espnow
