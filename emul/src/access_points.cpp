// add_access_point and what chips hear of the routers.
#include "access_points.hpp"

#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>
#include <utility>

#include "espnow/wire/air_physics.hpp"
#include "espnow/wire/beacon.hpp"

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

// 100 TU: the beacon interval of ESP-IDF's soft-AP and of most routers.
constexpr std::chrono::nanoseconds kBeaconInterval = std::chrono::microseconds(102400);

// A router's radio on the air and its beacons, one every interval from a
// phase of its own (its BSSID's), while the simulation runs. The simulation
// keeps it; its next beacon holds it weakly, so the last one ends with it.
class Beacons : public std::enable_shared_from_this<Beacons> {
 public:
  Beacons(Simulation& sim, SimRadio& radio, const AccessPoint& ap)
      : sim_(sim), radio_(radio), ssid_(ap.ssid), bssid_(ap.bssid), channel_(ap.channel),
        protected_(!ap.password.empty()), up_since_(sim.now()) {}
  Beacons(const Beacons&) = delete;
  Beacons& operator=(const Beacons&) = delete;
  ~Beacons() { sim_.air().remove_radio(radio_); }

  void start() {
    std::uint32_t phase = 0;
    for (const std::uint8_t b : bssid_.bytes) phase = phase * 31 + b;
    schedule(sim_.now() + std::chrono::microseconds(phase % 102400));
  }

 private:
  void schedule(std::chrono::nanoseconds when) {
    sim_.at(when, [self = weak_from_this(), when] {
      if (const auto b = self.lock()) b->send(when);
    });
  }
  void send(std::chrono::nanoseconds when) {
    const auto tsf = std::chrono::duration_cast<std::chrono::microseconds>(when - up_since_);
    const std::vector<std::uint8_t> frame = wire::encode_beacon(
        {.bssid = bssid_, .ssid = ssid_, .channel = channel_, .protected_network = protected_,
         .timestamp_us = static_cast<std::uint64_t>(tsf.count()), .interval_tu = 100, .sequence = sequence_++});
    (void)radio_.transmit(frame, PhyRate::r1m);  // a full queue skips one, as a busy AP's would
    schedule(when + kBeaconInterval);
  }

  Simulation& sim_;
  SimRadio& radio_;
  const std::string ssid_;
  const MacAddress bssid_;
  const std::uint8_t channel_;
  const bool protected_;
  const std::chrono::nanoseconds up_since_;
  std::uint16_t sequence_ = 0;
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
  auto radio = sim.air().add_radio(
      {.mac = ap.bssid, .channel = ap.channel, .position = ap.position, .tx_power_dbm = ap.tx_power_dbm});
  if (!radio.ok()) return radio.failure();
  auto beacons = std::make_shared<Beacons>(sim, **radio, ap);
  beacons->start();
  sim.keep(beacons);
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
