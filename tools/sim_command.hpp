// `espnow sim SCENARIO.json`: a scenario run on the discrete-event air
// (docs/simulation.md, "The discrete-event air").
#pragma once

#include <string>

namespace espnow::cli {

struct SimOptions {
  std::string pcap;    // --pcap FILE: every frame on the air (radiotap + 802.11)
  std::string report;  // --report FILE.html: a self-contained page of pictures
};

// Runs the scenario; prints a summary, or one JSON object with `json`.
// A bad scenario is named on stderr with exit status 2.
int cmd_sim(const std::string& scenario_path, bool json, const SimOptions& options = {});

}  // namespace espnow::cli
