// The routers on a Simulation's air (add_access_point), as a chip's scans
// and connection attempts find them: by channel, SSID and BSSID, and by
// whether their beacons reach the chip (the air's path loss and a chip's
// sensitivity at 1 Mbps, as an ESP-NOW frame's).
#pragma once

#include <cstdint>
#include <vector>

#include "espnow/radio/sim_air.hpp"
#include "espnow_emul_simulation.hpp"

namespace espnow::emul::detail {

struct HeardAccessPoint {
  AccessPoint ap;
  int rssi_dbm;
};

// The routers on `air` on one of `channels` (bit c: channel c) whose signal
// reaches a radio at `where`, strongest first (ties in the order added).
std::vector<HeardAccessPoint> access_points_heard(const SimAir& air, Position where, std::uint16_t channels);

}  // namespace espnow::emul::detail
