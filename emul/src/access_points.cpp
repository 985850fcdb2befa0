// add_access_point and what chips hear of the routers.
#include "access_points.hpp"

#include <algorithm>
#include <memory>
#include <mutex>
#include <utility>

#include "espnow/devices/beacon_source.hpp"
#include "espnow/wire/air_physics.hpp"

namespace espnow::emul {
namespace {

// Each Simulation's routers, by its air; the simulation keeps a Registration
// that removes them when it ends, so a later air at the same address starts
// with none.
struct Routers {
  const SimAir* air;
  std::vector<AccessPoint> aps;
};
std::mutex routers_mutex;
std::vector<Routers> routers;

struct Registration {
  explicit Registration(const SimAir* a) : air(a) {}
  Registration(const Registration&) = delete;
  Registration& operator=(const Registration&) = delete;
  const SimAir* air;
  ~Registration() {
    std::lock_guard lk(routers_mutex);
    std::erase_if(routers, [this](const Routers& r) { return r.air == air; });
  }
};

Result<void> check(const AccessPoint& ap) {
  if (ap.ssid.empty() || ap.ssid.size() > 32) return Error(errc::arg, "an access point's SSID has 1 to 32 bytes");
  if (!ap.password.empty() && (ap.password.size() < 8 || ap.password.size() > 63))
    return Error(errc::arg, "an access point's WPA2 password has 8 to 63 characters (empty: an open network)");
  if (!is_valid_channel(ap.channel)) return Error(errc::arg, "an access point's channel is 1 to 14");
  if (ap.bssid.is_multicast()) return Error(errc::arg, "an access point's BSSID is a unicast MAC");
  return {};
}

}  // namespace

Result<void> add_access_point(Simulation& sim, AccessPoint ap) {
  if (auto r = check(ap); !r.ok()) return r;
  const SimAir* air = &sim.air();
  std::lock_guard lk(routers_mutex);
  auto it = std::find_if(routers.begin(), routers.end(), [air](const Routers& r) { return r.air == air; });
  if (it == routers.end()) {
    sim.keep(std::make_shared<Registration>(air));
    it = routers.insert(routers.end(), Routers{air, {}});
  }
  if (ap.bssid.is_zero())  // a locally administered one of its own
    ap.bssid = MacAddress{{0x02, 0xA9, 0, 0, 0, static_cast<std::uint8_t>(it->aps.size() + 1)}};
  if (auto beacons = add_beacon_source(sim, {.bssid = ap.bssid, .ssid = ap.ssid, .channel = ap.channel,
                                             .protected_network = !ap.password.empty(), .position = ap.position,
                                             .tx_power_dbm = ap.tx_power_dbm});
      !beacons.ok())
    return beacons;
  it->aps.push_back(std::move(ap));
  return {};
}

namespace detail {

std::vector<HeardAccessPoint> access_points_heard(const SimAir& air, Position where, std::uint16_t channels) {
  std::vector<HeardAccessPoint> heard;
  {
    std::lock_guard lk(routers_mutex);
    for (const Routers& r : routers) {
      if (r.air != &air) continue;
      for (const AccessPoint& ap : r.aps) {
        if (!(channels >> ap.channel & 1u)) continue;
        const int rssi = air.rssi_dbm(ap.position, where, ap.tx_power_dbm);
        if (reception(ap.channel, ap.channel, PhyRate::r1m, false, rssi) == Reception::heard)
          heard.push_back({ap, rssi});
      }
    }
  }
  std::stable_sort(heard.begin(), heard.end(),
                   [](const HeardAccessPoint& a, const HeardAccessPoint& b) { return a.rssi_dbm > b.rssi_dbm; });
  return heard;
}

}  // namespace detail
}  // namespace espnow::emul
