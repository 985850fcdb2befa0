// `espnow sim --report FILE.html`: one self-contained page (inline SVG and
// CSS, nothing fetched) showing where a simulated network fails: the
// topology with each link coloured by its delivery ratio, channel busy time
// over time, and per-node counters (docs/simulation.md, "espnow sim").
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace espnow::cli {

struct ReportNode {
  std::string mac;  // as in the summary
  double x = 0, y = 0;
  int channel = 1;
};

// A channel's busy fraction in each interval of the run.
struct BusySeries {
  int channel = 1;
  std::vector<double> fraction;
};

struct ReportData {
  std::string title;            // the scenario file
  std::vector<ReportNode> nodes;  // in the scenario's order, as summary["nodes"]
  double interval_s = 0.1;      // of the busy series
  std::vector<BusySeries> busy;
  nlohmann::json summary;       // what --json prints: flows, nodes, channels, ...
};

// The page's HTML.
std::string render_report(const ReportData& data);

}  // namespace espnow::cli
