// Prints Bianchi's saturation throughput (sim/saturation.hpp) for 250-byte
// ESP-NOW messages at 1 Mbps, for the comparison scripts:
//   bianchi_table N... -> {"N": S, ...}  (S: the share of time carrying messages)
#include <cstdio>
#include <cstdlib>

#include "espnow/sim/saturation.hpp"

int main(int argc, char** argv) {
  std::printf("{");
  for (int i = 1; i < argc; ++i) {
    const auto n = static_cast<std::uint32_t>(std::strtoul(argv[i], nullptr, 10));
    const auto s = espnow::sim::bianchi_saturation(espnow::sim::espnow_saturation_params(n, espnow::PhyRate::r1m, 250));
    std::printf("%s\"%u\": %.6f", i > 1 ? ", " : "", n, s.throughput);
  }
  std::printf("}\n");
  return 0;
}
