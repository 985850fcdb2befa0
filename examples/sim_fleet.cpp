// The seeds' echo and heartbeat on N simulated devices, in virtual time:
//   sim_fleet [devices=20] [simulated seconds=600] [seed=1] [loss=0.1]
// prints how many heartbeats were echoed and how much faster than real time
// the run was. The same arguments give the same run.
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "fleet.hpp"

int main(int argc, char** argv) {
  const int devices = argc > 1 ? std::atoi(argv[1]) : 20;
  const int seconds = argc > 2 ? std::atoi(argv[2]) : 600;
  const auto seed = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 1ull;
  const double loss = argc > 4 ? std::atof(argv[4]) : 0.1;
  if (devices < 2 || devices > 4000 || seconds < 1 || !(loss >= 0 && loss <= 1))
    return std::fprintf(stderr, "usage: sim_fleet [devices 2..4000] [simulated seconds >= 1] [seed] [loss 0..1]\n"), 2;
  espnow::Simulation sim({.seed = seed, .loss = loss});
  FleetLog log;
  add_echo_heartbeat_fleet(sim, devices - 1, std::chrono::milliseconds(1000), log);
  const auto t0 = std::chrono::steady_clock::now();
  sim.run_for(std::chrono::seconds(seconds));
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("%d devices, %d simulated s, seed %llu, loss %.2f: %d heartbeats, %d echoed (%.1f%%)\n", devices, seconds,
              static_cast<unsigned long long>(seed), loss, log.heartbeats(), log.echoes(),
              100.0 * log.echoes() / std::max(1, log.heartbeats()));
  std::printf("wall %.2f s: %.0f x real time\n", wall, seconds / wall);
  return 0;
}
