// The seeds' echo and heartbeat on N simulated devices, in virtual time:
//   sim_fleet [devices=20] [simulated seconds=600] [seed=1] [loss=0.1] [pcap file]
// prints how many heartbeats were echoed and how much faster than real time
// the run was, and writes every frame on the air to the pcap file if one is
// named (Wireshark opens it). The same arguments give the same run, and the
// same pcap byte for byte.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "espnow/host/air_pcap.hpp"
#include "fleet.hpp"

int main(int argc, char** argv) {
  const int devices = argc > 1 ? std::atoi(argv[1]) : 20;
  const int seconds = argc > 2 ? std::atoi(argv[2]) : 600;
  const auto seed = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 1ull;
  const double loss = argc > 4 ? std::atof(argv[4]) : 0.1;
  if (devices < 2 || devices > 4000 || seconds < 1 || !(loss >= 0 && loss <= 1))
    return std::fprintf(stderr, "usage: sim_fleet [devices 2..4000] [simulated seconds >= 1] [seed] [loss 0..1] [pcap file]\n"), 2;
  espnow::Simulation sim({.seed = seed, .loss = loss});
  std::unique_ptr<espnow::host::AirPcap> pcap;
  if (argc > 5) {
    auto opened = espnow::host::AirPcap::open(argv[5]);
    if (!opened.ok()) return std::fprintf(stderr, "sim_fleet: %s\n", std::string(opened.detail()).c_str()), 1;
    pcap = std::move(opened).value();
    sim.air().set_sniffer([&](const espnow::AiredFrame& f) { pcap->write(f); });
  }
  FleetLog log;
  add_echo_heartbeat_fleet(sim, devices - 1, std::chrono::milliseconds(1000), log);
  const auto t0 = std::chrono::steady_clock::now();
  sim.run_for(std::chrono::seconds(seconds));
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("%d devices, %d simulated s, seed %llu, loss %.2f: %d heartbeats, %d echoed (%.1f%%)\n", devices, seconds,
              static_cast<unsigned long long>(seed), loss, log.heartbeats(), log.echoes(),
              100.0 * log.echoes() / std::max(1, log.heartbeats()));
  std::printf("wall %.2f s: %.0f x real time\n", wall, seconds / wall);
  if (pcap) {
    pcap->flush();
    std::printf("%llu frames written to %s\n", static_cast<unsigned long long>(pcap->frames()), argv[5]);
  }
  return 0;
}
