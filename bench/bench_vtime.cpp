// Device programs on virtual time (issue 18 part 3; docs/performance.md):
// simulated seconds per wall second.
//
// - vtime.seed_example_20_devices: the seeds' echo and heartbeat
//   (examples/fleet.hpp) on 20 devices under 10% loss, 10 simulated minutes.
//   Target >= 200.
// - vtime.sync_api_timeouts: 100 devices, each looping recv(1000): a message
//   is answered to its sender, a timeout broadcasts a ping. 10 simulated
//   minutes. Target >= 50.
//
// Each runs in slices of simulated time and stops at a wall budget, taking
// the factor from what it did, so the benchmark always ends.
#include <chrono>
#include <functional>
#include <string>

#include "fleet.hpp"
#include "harness.hpp"

using namespace espnow;
using namespace std::chrono_literals;

namespace {

constexpr auto kWallBudget = 120s;

// Runs `sim` for up to `total` in 10 s slices; simulated s per wall s.
double realtime_factor(Simulation& sim, std::chrono::seconds total) {
  const auto t0 = std::chrono::steady_clock::now();
  while (sim.now() < total && std::chrono::steady_clock::now() - t0 < kWallBudget) sim.run_for(10s);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return std::chrono::duration<double>(sim.now()).count() / wall;
}

MacAddress nth(int i) {
  return MacAddress{{0x02, 0x01, 0, 0, static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i & 0xff)}};
}

// recv(1000) in a loop: answer what comes, broadcast a ping on a timeout.
void answer_or_ping(SimDevice& d) {
  ESPNow& e = d.espnow();
  if (!e.active(true).ok() || !e.add_peer(MacAddress::broadcast()).ok()) return;
  const std::vector<std::uint8_t> ping{'p'}, pong{'a'};
  for (;;) {
    auto r = e.recv(1000);
    if (!r.ok()) return;
    if (!r->has_value()) {
      (void)e.send(MacAddress::broadcast(), ping, false);
      continue;
    }
    const Message& m = **r;
    if (m.msg != ping) continue;
    if (!e.get_peer(m.mac).ok() && !e.add_peer(m.mac).ok()) continue;  // the peer table is full
    (void)e.send(m.mac, pong, false);
  }
}

}  // namespace

int main() {
  {
    Simulation sim({.seed = 1, .loss = 0.1});
    FleetLog log;
    add_echo_heartbeat_fleet(sim, 19, 1000ms, log);
    bench::report_absolute("vtime.seed_example_20_devices", realtime_factor(sim, 600s), "simulated s per wall s", 200);
  }
  {
    Simulation sim({.seed = 2});
    for (int i = 0; i < 100; ++i)
      (void)sim.add_device({.mac = nth(i), .position = {static_cast<double>(i % 10), static_cast<double>(i / 10)}},
                           answer_or_ping);
    bench::report_absolute("vtime.sync_api_timeouts", realtime_factor(sim, 600s), "simulated s per wall s", 50);
  }
  return 0;
}
