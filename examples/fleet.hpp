// The seeds' echo and heartbeat, written against the sync API, on the devices
// of a Simulation (virtual time): device 0 echoes every message back to its
// sender; every other device sends a heartbeat each `period` and waits up to
// 200 ms for its echo. Used by the sim_fleet example, the tests and the
// vtime benchmark.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <espnow/devices/simulation.hpp>

struct FleetLog {
  // Per device, in order: "<virtual ms> <what happened>".
  std::vector<std::vector<std::string>> lines;
  int heartbeats() const;  // sent by all clients
  int echoes() const;      // heartbeats answered within 200 ms
};

// Adds 1 + `clients` devices (MACs 02:00:00:00:xx:yy, a metre apart) with their
// programs; `log` must outlive the simulation's runs.
void add_echo_heartbeat_fleet(espnow::Simulation& sim, int clients, std::chrono::milliseconds period, FleetLog& log);
