// `espnow sim SCENARIO.json`: a scenario run on the discrete-event air
// (docs/simulation.md, "The discrete-event air").
#pragma once

#include <string>

namespace espnow::cli {

// Runs the scenario; prints a summary, or one JSON object with `json`.
// A bad scenario is named on stderr with exit status 2.
int cmd_sim(const std::string& scenario_path, bool json);

}  // namespace espnow::cli
