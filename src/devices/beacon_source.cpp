#include "espnow/devices/beacon_source.hpp"

#include <memory>
#include <vector>

#include "espnow/wire/beacon.hpp"

namespace espnow {
namespace {

// 100 TU: the beacon interval of ESP-IDF's soft-AP and of most routers.
constexpr std::chrono::nanoseconds kBeaconInterval = std::chrono::microseconds(102400);

// The radio and its beacons, one every interval from a phase of its own
// (its BSSID's). The simulation keeps it; its next beacon holds it weakly.
class Beacons : public std::enable_shared_from_this<Beacons> {
 public:
  Beacons(Simulation& sim, SimRadio& radio, const BeaconSource& source)
      : sim_(sim), radio_(radio), source_(source), up_since_(sim.now()) {}
  Beacons(const Beacons&) = delete;
  Beacons& operator=(const Beacons&) = delete;
  ~Beacons() { sim_.air().remove_radio(radio_); }

  void start() {
    std::uint32_t phase = 0;
    for (const std::uint8_t b : source_.bssid.bytes) phase = phase * 31 + b;
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
    const std::vector<std::uint8_t> frame = wire::encode_beacon({.bssid = source_.bssid,
                                                                 .ssid = source_.ssid,
                                                                 .channel = source_.channel,
                                                                 .protected_network = source_.protected_network,
                                                                 .timestamp_us = static_cast<std::uint64_t>(tsf.count()),
                                                                 .interval_tu = 100,
                                                                 .sequence = sequence_++});
    (void)radio_.transmit(frame, PhyRate::r1m);  // a full queue skips one, as a busy AP's would
    schedule(when + kBeaconInterval);
  }

  Simulation& sim_;
  SimRadio& radio_;
  const BeaconSource source_;
  const std::chrono::nanoseconds up_since_;
  std::uint16_t sequence_ = 0;
};

}  // namespace

Result<void> add_beacon_source(Simulation& sim, const BeaconSource& source) {
  auto radio = sim.air().add_radio({.mac = source.bssid, .channel = source.channel, .position = source.position,
                                    .tx_power_dbm = source.tx_power_dbm});
  if (!radio.ok()) return radio.failure();
  auto beacons = std::make_shared<Beacons>(sim, **radio, source);
  beacons->start();
  sim.keep(beacons);
  return {};
}

}  // namespace espnow
