#include "sim_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

namespace espnow::cli {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxLinks = 20000;     // beyond this, the worst links are drawn
constexpr std::size_t kMaxBarNodes = 200;    // the counters chart's nodes (the table has all)
constexpr std::size_t kMaxTableRows = 5000;
constexpr std::size_t kMaxLabelled = 60;     // nodes named in the topology (more would cover it)
constexpr double kLabelWidth = 34;           // px a bar's slot needs for its node's name under it

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string num(double v, int digits = 2) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

// Red (0) through yellow to green (1).
std::string ratio_colour(double r) {
  r = std::clamp(r, 0.0, 1.0);
  return "hsl(" + num(120.0 * r, 0) + ",85%,42%)";
}

const char* kChannelColours[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
                                 "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39"};

// Each node's name in the pictures: the last bytes of its MAC, as few as
// tell every node apart (two at least: "00:01" reads as an address).
std::vector<std::string> short_names(const ReportData& d) {
  for (std::size_t bytes = 2;; ++bytes) {
    std::vector<std::string> names;
    for (const ReportNode& n : d.nodes) names.push_back(n.mac.substr(n.mac.size() - (3 * bytes - 1)));
    std::vector<std::string> sorted = names;
    std::sort(sorted.begin(), sorted.end());
    if (bytes == 6 || std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end()) return names;
  }
}

struct Link {
  std::size_t from, to;
  double ratio;
  std::uint64_t received, sent;
};

std::vector<Link> links_of(const ReportData& d) {
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < d.nodes.size(); ++i) index[d.nodes[i].mac] = i;
  std::vector<Link> links;
  for (const json& f : d.summary["flows"]) {
    const std::size_t from = index.at(f["from"].get<std::string>());
    const auto sent = f["sent"].get<std::uint64_t>();
    for (const auto& [mac, n] : f["received"].items()) {
      const auto it = index.find(mac);
      if (it == index.end()) continue;
      const auto got = n.get<std::uint64_t>();
      links.push_back({from, it->second, sent ? std::min(1.0, double(got) / double(sent)) : 0.0, got, sent});
    }
  }
  // The worst on top, and kept when there are too many to draw.
  std::stable_sort(links.begin(), links.end(), [](const Link& a, const Link& b) { return a.ratio > b.ratio; });
  if (links.size() > kMaxLinks) links.erase(links.begin(), links.end() - kMaxLinks);
  return links;
}

// The nodes' names beside them, each on the first side (up right, down
// right, up left, down left) where it covers no name already placed, so
// that nodes a few metres apart do not print their names over each other.
void node_names(std::ostream& o, const ReportData& d, double font, double r) {
  struct Box {
    double x0, y0, x1, y1;
  };
  std::vector<Box> placed;
  const std::vector<std::string> names = short_names(d);
  o << "<g class=\"labels\" font-family=\"sans-serif\" font-size=\"" << num(font, 3) << "\" fill=\"#222\">\n";
  for (std::size_t i = 0; i < d.nodes.size(); ++i) {
    const double w = 0.62 * font * static_cast<double>(names[i].size()), gap = 1.5 * r;
    const double nx = d.nodes[i].x, ny = d.nodes[i].y;
    const Box sides[] = {{nx + gap, ny - gap - font, nx + gap + w, ny - gap},
                         {nx + gap, ny + gap, nx + gap + w, ny + gap + font},
                         {nx - gap - w, ny - gap - font, nx - gap, ny - gap},
                         {nx - gap - w, ny + gap, nx - gap, ny + gap + font}};
    const auto uncovered = [&](const Box& b) {
      return std::none_of(placed.begin(), placed.end(), [&](const Box& p) {
        return b.x0 < p.x1 && p.x0 < b.x1 && b.y0 < p.y1 && p.y0 < b.y1;
      });
    };
    const Box* side = std::find_if(std::begin(sides), std::end(sides), uncovered);
    if (side == std::end(sides)) side = &sides[0];
    placed.push_back(*side);
    o << "<text class=\"label\" x=\"" << num(side->x0) << "\" y=\"" << num(side->y1) << "\">" << escape(names[i])
      << "</text>\n";
  }
  o << "</g>\n";
}

void topology(std::ostream& o, const ReportData& d) {
  double x0 = 0, y0 = 0, x1 = 1, y1 = 1;
  if (!d.nodes.empty()) {
    x0 = x1 = d.nodes[0].x;
    y0 = y1 = d.nodes[0].y;
    for (const ReportNode& n : d.nodes) {
      x0 = std::min(x0, n.x), x1 = std::max(x1, n.x), y0 = std::min(y0, n.y), y1 = std::max(y1, n.y);
    }
  }
  const double span = std::max({x1 - x0, y1 - y0, 1.0});
  // A line of nodes still gets a picture a third as tall as it is wide.
  for (double* lo : {&x0, &y0}) {
    double* hi = lo == &x0 ? &x1 : &y1;
    const double grow = std::max(0.0, span / 3 - (*hi - *lo)) / 2;
    *lo -= grow, *hi += grow;
  }
  const double margin = span * 0.06, r = span * (d.nodes.size() > 200 ? 0.004 : 0.012);
  // Room for the names, which stand beside their nodes on any side.
  const bool named = d.nodes.size() <= kMaxLabelled;
  const double pad_x = margin + (named ? span * 0.1 : 0), pad_y = margin + (named ? span * 0.04 : 0);
  const double view_w = x1 - x0 + 2 * pad_x, view_h = y1 - y0 + 2 * pad_y;
  const std::vector<Link> links = links_of(d);
  o << "<svg id=\"topology\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"" << num(x0 - pad_x) << ' '
    << num(y0 - pad_y) << ' ' << num(view_w) << ' ' << num(view_h)
    << "\" width=\"720\" height=\"" << num(720.0 * view_h / view_w, 0)
    << "\" style=\"background:#fafafa;border:1px solid #ccc\">\n";
  o << "<g class=\"links\" stroke-width=\"" << num(span * 0.003, 3) << "\" stroke-linecap=\"round\">\n";
  for (const Link& l : links) {
    const ReportNode &a = d.nodes[l.from], &b = d.nodes[l.to];
    o << "<line x1=\"" << num(a.x) << "\" y1=\"" << num(a.y) << "\" x2=\"" << num(b.x) << "\" y2=\"" << num(b.y)
      << "\" stroke=\"" << ratio_colour(l.ratio) << "\"><title>" << a.mac << " &#8594; " << b.mac << ": "
      << l.received << " of " << l.sent << " (" << num(100 * l.ratio, 1) << "%)</title></line>\n";
  }
  o << "</g>\n<g class=\"nodes\" stroke=\"#222\" stroke-width=\"" << num(r * 0.2, 3) << "\">\n";
  for (std::size_t i = 0; i < d.nodes.size(); ++i) {
    const ReportNode& n = d.nodes[i];
    const json& c = d.summary["nodes"][i];
    const auto rx = c["receptions"].get<double>(), lost = c["lost_collision"].get<double>() + c["lost_weak"].get<double>();
    o << "<circle cx=\"" << num(n.x) << "\" cy=\"" << num(n.y) << "\" r=\"" << num(r, 3) << "\" fill=\""
      << (rx + lost > 0 ? ratio_colour(rx / (rx + lost)) : std::string("#ccc")) << "\"><title>" << n.mac
      << " (channel " << n.channel << "): " << c["transmissions"] << " transmissions, " << c["receptions"]
      << " receptions, lost " << c["lost_collision"] << " to collisions, " << c["lost_weak"]
      << " to weak signal</title></circle>\n";
  }
  o << "</g>\n";
  if (named) node_names(o, d, span * 0.03, r);
  o << "</svg>\n";
  o << "<p class=\"legend\">Links: messages received ÷ sent, per flow and receiver "
    << "<span class=\"swatch\" style=\"background:" << ratio_colour(0) << "\"></span>0% "
    << "<span class=\"swatch\" style=\"background:" << ratio_colour(0.5) << "\"></span>50% "
    << "<span class=\"swatch\" style=\"background:" << ratio_colour(1) << "\"></span>100%"
    << (links.size() == kMaxLinks ? " (the worst " + std::to_string(kMaxLinks) + " links)" : std::string())
    << ". Nodes: frames received ÷ detected (the rest lost to collisions or weak signal)"
    << (named ? ", named by the last bytes of their MACs" : "")
    << ". Hover for the numbers.</p>\n";
}

void busy_chart(std::ostream& o, const ReportData& d) {
  const double w = 720, h = 240, left = 44, bottom = 28, top = 10, right = 10;
  std::size_t samples = 1;
  for (const BusySeries& s : d.busy) samples = std::max(samples, s.fraction.size());
  const double duration = d.interval_s * static_cast<double>(samples);
  auto px = [&](double t) { return left + (w - left - right) * t / duration; };
  auto py = [&](double f) { return top + (h - top - bottom) * (1.0 - f); };
  o << "<svg id=\"busy\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" << w << "\" height=\"" << h
    << "\" style=\"background:#fff;border:1px solid #ccc\" font-family=\"sans-serif\" font-size=\"11\">\n";
  for (int pct = 0; pct <= 100; pct += 25) {
    o << "<line x1=\"" << left << "\" x2=\"" << w - right << "\" y1=\"" << num(py(pct / 100.0)) << "\" y2=\""
      << num(py(pct / 100.0)) << "\" stroke=\"#e4e4e4\"/><text x=\"" << left - 4 << "\" y=\""
      << num(py(pct / 100.0) + 4) << "\" text-anchor=\"end\">" << pct << "%</text>\n";
  }
  o << "<text x=\"" << left << "\" y=\"" << h - 8 << "\">0 s</text><text x=\"" << w - right << "\" y=\"" << h - 8
    << "\" text-anchor=\"end\">" << num(duration, 1) << " s</text>\n";
  for (std::size_t k = 0; k < d.busy.size(); ++k) {
    const BusySeries& s = d.busy[k];
    o << "<polyline class=\"channel\" fill=\"none\" stroke-width=\"1.5\" stroke=\"" << kChannelColours[k % 14]
      << "\" points=\"";
    for (std::size_t i = 0; i < s.fraction.size(); ++i)
      o << num(px(d.interval_s * (static_cast<double>(i) + 0.5))) << ',' << num(py(s.fraction[i])) << ' ';
    o << "\"><title>channel " << s.channel << "</title></polyline>\n";
  }
  o << "</svg>\n<p class=\"legend\">";
  for (std::size_t k = 0; k < d.busy.size(); ++k)
    o << "<span class=\"swatch\" style=\"background:" << kChannelColours[k % 14] << "\"></span>channel "
      << d.busy[k].channel << " ";
  o << "— share of each " << num(d.interval_s * 1000, 0) << " ms with some frame on the air.</p>\n";
}

void counters_chart(std::ostream& o, const ReportData& d) {
  // The nodes that lose most, at most kMaxBarNodes, in the scenario's order.
  std::vector<std::size_t> shown(d.nodes.size());
  for (std::size_t i = 0; i < shown.size(); ++i) shown[i] = i;
  auto lost = [&](std::size_t i) {
    const json& c = d.summary["nodes"][i];
    return c["lost_collision"].get<double>() + c["lost_weak"].get<double>();
  };
  if (shown.size() > kMaxBarNodes) {
    std::stable_sort(shown.begin(), shown.end(), [&](std::size_t a, std::size_t b) { return lost(a) > lost(b); });
    shown.resize(kMaxBarNodes);
    std::sort(shown.begin(), shown.end());
  }
  double most = 1;
  for (std::size_t i : shown) {
    const json& c = d.summary["nodes"][i];
    most = std::max({most, c["receptions"].get<double>() + lost(i), c["transmissions"].get<double>()});
  }
  const double w = 720, left = 10, top = 10;
  const double slot = (w - 2 * left) / static_cast<double>(std::max<std::size_t>(1, shown.size()));
  // Each bar's node named under it, where there is room for the name.
  const bool named = slot >= kLabelWidth;
  const double bottom = named ? 24 : 10, h = 230 + bottom;
  const std::vector<std::string> names = named ? short_names(d) : std::vector<std::string>();
  auto bar_h = [&](double v) { return (h - top - bottom) * v / most; };
  o << "<svg id=\"counters\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" << w << "\" height=\"" << h
    << "\" style=\"background:#fff;border:1px solid #ccc\" font-family=\"sans-serif\" font-size=\"11\">\n";
  for (std::size_t k = 0; k < shown.size(); ++k) {
    const std::size_t i = shown[k];
    const json& c = d.summary["nodes"][i];
    const double x = left + slot * static_cast<double>(k);
    double y = h - bottom;
    const std::pair<const char*, const char*> parts[] = {
        {"receptions", "#2ca02c"}, {"lost_collision", "#d62728"}, {"lost_weak", "#ff7f0e"}};
    o << "<g class=\"node\"><title>" << d.nodes[i].mac << ": " << c["transmissions"] << " transmissions, "
      << c["receptions"] << " receptions, lost " << c["lost_collision"] << " to collisions, " << c["lost_weak"]
      << " to weak signal</title>";
    for (const auto& [key, colour] : parts) {
      const double bh = bar_h(c[key].get<double>());
      y -= bh;
      o << "<rect x=\"" << num(x + slot * 0.1) << "\" y=\"" << num(y) << "\" width=\"" << num(slot * 0.45)
        << "\" height=\"" << num(bh) << "\" fill=\"" << colour << "\"/>";
    }
    const double th = bar_h(c["transmissions"].get<double>());
    o << "<rect x=\"" << num(x + slot * 0.55) << "\" y=\"" << num(h - bottom - th) << "\" width=\""
      << num(slot * 0.35) << "\" height=\"" << num(th) << "\" fill=\"#1f77b4\"/>";
    if (named)
      o << "<text class=\"label\" x=\"" << num(x + slot * 0.5) << "\" y=\"" << num(h - 8)
        << "\" text-anchor=\"middle\">" << escape(names[i]) << "</text>";
    o << "</g>\n";
  }
  o << "</svg>\n<p class=\"legend\">Per node: <span class=\"swatch\" style=\"background:#2ca02c\"></span>received "
    << "<span class=\"swatch\" style=\"background:#d62728\"></span>lost to collisions "
    << "<span class=\"swatch\" style=\"background:#ff7f0e\"></span>lost to weak signal "
    << "<span class=\"swatch\" style=\"background:#1f77b4\"></span>transmissions (retries included)"
    << (d.nodes.size() > kMaxBarNodes ? "; the " + std::to_string(kMaxBarNodes) + " nodes that lose most" : std::string())
    << ".</p>\n";
}

void tables(std::ostream& o, const ReportData& d) {
  o << "<h2>Flows</h2>\n<table><tr><th>from</th><th>to</th><th>offered</th><th>queue drops</th><th>sent</th>"
       "<th>acked</th><th>failed</th><th>received (all receivers)</th></tr>\n";
  for (const json& f : d.summary["flows"]) {
    std::uint64_t received = 0;
    for (const auto& [mac, n] : f["received"].items()) received += n.get<std::uint64_t>();
    o << "<tr><td class=\"mac\">" << escape(f["from"].get<std::string>()) << "</td><td class=\"mac\">"
      << escape(f["to"].get<std::string>()) << "</td><td>" << f["offered"] << "</td><td>" << f["queue_drops"]
      << "</td><td>" << f["sent"] << "</td><td>" << f["acked"] << "</td><td>" << f["failed"] << "</td><td>"
      << received << "</td></tr>\n";
  }
  o << "</table>\n<h2>Nodes</h2>\n<table><tr><th>MAC</th><th>position (m)</th><th>channel</th><th>transmissions</th>"
       "<th>receptions</th><th>lost to collisions</th><th>lost to weak signal</th></tr>\n";
  for (std::size_t i = 0; i < d.nodes.size() && i < kMaxTableRows; ++i) {
    const json& c = d.summary["nodes"][i];
    o << "<tr><td class=\"mac\">" << escape(d.nodes[i].mac) << "</td><td>" << num(d.nodes[i].x, 1) << ", "
      << num(d.nodes[i].y, 1) << "</td><td>" << d.nodes[i].channel << "</td><td>" << c["transmissions"]
      << "</td><td>" << c["receptions"] << "</td><td>" << c["lost_collision"] << "</td><td>" << c["lost_weak"]
      << "</td></tr>\n";
  }
  o << "</table>\n";
  if (d.nodes.size() > kMaxTableRows) o << "<p>(the first " << kMaxTableRows << " nodes)</p>\n";
}

}  // namespace

std::string render_report(const ReportData& d) {
  std::ostringstream o;
  const json& s = d.summary;
  o << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>espnow sim: " << escape(d.title)
    << "</title>\n<style>body{font-family:sans-serif;margin:2em;color:#222;max-width:60em}"
       "table{border-collapse:collapse;font-size:0.85em}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}"
       "td.mac{font-family:monospace}.legend{font-size:0.85em;color:#444}"
       ".swatch{display:inline-block;width:1em;height:0.8em;margin:0 0.2em 0 0.6em;vertical-align:middle}</style>\n"
       "</head><body>\n<h1>espnow sim: "
    << escape(d.title) << "</h1>\n<p>" << d.nodes.size() << " nodes, " << s["flows"].size() << " flows, "
    << num(s["sim_seconds"].get<double>(), 1) << " simulated s in " << num(s["wall_seconds"].get<double>(), 2)
    << " s of wall time, " << s["events"] << " events.</p>\n<h2>Topology</h2>\n";
  topology(o, d);
  o << "<h2>Channel busy time</h2>\n";
  busy_chart(o, d);
  o << "<h2>Per-node counters</h2>\n";
  counters_chart(o, d);
  tables(o, d);
  o << "</body></html>\n";
  return o.str();
}

}  // namespace espnow::cli
