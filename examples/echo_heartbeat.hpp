// The seeds' asyncio example on two simulated devices (see echo_heartbeat_demo.cpp).
#pragma once

#include <chrono>
#include <optional>

struct DemoOptions {
  std::chrono::milliseconds period{1000};    // heartbeat period (the seeds use 10 s)
  std::chrono::milliseconds duration{10000}; // the seeds' timeout (120 s)
  std::optional<std::chrono::milliseconds> outage_at;      // default: 35% into the run
  std::optional<std::chrono::milliseconds> outage_length;  // default: three periods
};

int run_echo_heartbeat_demo(const DemoOptions& options);
