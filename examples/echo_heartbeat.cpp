// `make demo`: the seeds' asyncio example (heartbeat + echo server).
//   echo_heartbeat [--period-ms 1000] [--duration-ms 10000] [--outage-at-ms N] [--outage-ms N]
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "echo_heartbeat.hpp"

int main(int argc, char** argv) {
  DemoOptions o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::chrono::milliseconds v(std::strtol(argv[i + 1], nullptr, 10));
    if (!std::strcmp(argv[i], "--period-ms")) o.period = v;
    else if (!std::strcmp(argv[i], "--duration-ms")) o.duration = v;
    else if (!std::strcmp(argv[i], "--outage-at-ms")) o.outage_at = v;
    else if (!std::strcmp(argv[i], "--outage-ms")) o.outage_length = v;
    else return std::fprintf(stderr, "unknown option %s\n", argv[i]), 2;
  }
  return run_echo_heartbeat_demo(o);
}
