#include "fleet.hpp"

#include <algorithm>

using namespace espnow;

namespace {

MacAddress fleet_mac(int i) {
  return MacAddress{{0x02, 0, 0, 0, static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i & 0xff)}};
}

std::vector<std::uint8_t> bytes_of(const std::string& s) { return {s.begin(), s.end()}; }

// The echo server: whatever arrives goes back to its sender.
Simulation::Program echo_server(Simulation& sim, FleetLog& log) {
  return [&sim, &log](SimDevice& d) {
    ESPNow& e = d.espnow();
    if (!e.active(true).ok()) return;
    for (;;) {
      auto r = e.recv(1000);
      if (!r.ok()) return;
      if (!r->has_value()) continue;
      const Message& m = **r;
      if (!e.get_peer(m.mac).ok()) (void)e.add_peer(m.mac);
      const auto sent = e.send(m.mac, m.msg);
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(sim.now()).count();
      log.lines[0].push_back(std::to_string(ms) + " echo to " + m.mac.to_text().c_str() +
                             (sent.ok() && *sent ? " acked" : " lost"));
    }
  };
}

// A client: a heartbeat each period, then up to 200 ms for the echo.
Simulation::Program heartbeat(Simulation& sim, FleetLog& log, std::size_t who, std::chrono::milliseconds period) {
  return [&sim, &log, who, period](SimDevice& d) {
    ESPNow& e = d.espnow();
    if (!e.active(true).ok() || !e.add_peer(fleet_mac(0)).ok()) return;
    for (int k = 0;; ++k) {
      const auto beat = sim.now();
      const std::string text = "hb " + std::to_string(k);
      const auto sent = e.send(fleet_mac(0), bytes_of(text));
      const auto echo = e.recv(200);
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(sim.now()).count();
      log.lines[who].push_back(std::to_string(ms) + " " + text + (sent.ok() && *sent ? " acked" : " lost") +
                               (echo.ok() && echo->has_value() ? " echoed" : " no echo"));
      sim.clock().sleep_until(beat + period);
    }
  };
}

int count_lines(const FleetLog& log, const char* word) {
  int n = 0;
  for (std::size_t i = 1; i < log.lines.size(); ++i)
    n += static_cast<int>(std::count_if(log.lines[i].begin(), log.lines[i].end(),
                                        [&](const std::string& l) { return l.find(word) != std::string::npos; }));
  return n;
}

}  // namespace

int FleetLog::heartbeats() const { return count_lines(*this, " hb "); }
int FleetLog::echoes() const { return count_lines(*this, " echoed"); }

void add_echo_heartbeat_fleet(Simulation& sim, int clients, std::chrono::milliseconds period, FleetLog& log) {
  log.lines.assign(static_cast<std::size_t>(clients) + 1, {});
  (void)sim.add_device({.mac = fleet_mac(0)}, echo_server(sim, log));
  for (int c = 1; c <= clients; ++c)
    (void)sim.add_device({.mac = fleet_mac(c), .position = {static_cast<double>(c % 20), static_cast<double>(c / 20)}},
                         heartbeat(sim, log, static_cast<std::size_t>(c), period));
}
