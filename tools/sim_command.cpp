// `espnow sim`: reads a scenario (nodes, traffic), runs it on the
// discrete-event air, reports per flow, node and channel.
//
// Each node is a SoftLink on a StationRadio (sim_station_radio.hpp): a
// flow's messages go through the sender's SoftLink (its peer, its rate), which
// builds the real ESP-NOW frame; the air carries it through the node's DCF
// MAC and PHY; a receiver's SoftLink decodes it, and a reception is counted
// for the flow the delivered message names (Run::flow_of). --pcap writes
// those very bytes. Nodes with a `program` run as whole devices instead, in
// the Python launcher (run_with_programs).
#include "sim_command.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <memory_resource>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "espnow/link/soft_link.hpp"
#include "espnow/sim/air.hpp"
#include "espnow/sim/engine.hpp"
#include "espnow/sim/huge_page_arena.hpp"
#include "espnow/sim/huge_page_blocks.hpp"
#include "espnow/sim/spatial_order.hpp"
#include "espnow/wire/frame.hpp"
#include "espnow/wire/phy.hpp"
#include "cli.hpp"
#include "reception_counts.hpp"
#include "sim_capture.hpp"
#include "sim_report.hpp"
#include "sim_station_radio.hpp"

namespace espnow::cli {
namespace {

using nlohmann::json;
using namespace espnow::sim;

// A mistake in the scenario, naming the entry.
struct BadScenario : std::runtime_error {
  using std::runtime_error::runtime_error;
};

enum class Arrival { periodic, poisson, saturated };

struct NodeSpec {
  std::string mac_text;
  MacAddress mac;
  Position pos;
  double tx_power_dbm = 20.0;
  std::uint8_t channel = 1;
  bool long_range = false;  // hears (and may send) Espressif's LR rates: WLAN.config(protocol=PROTOCOL_LR)
  std::string program;  // a MicroPython script run as this node (relative to the scenario's folder)
};

struct FlowSpec {
  std::string from_text, to_text;
  std::uint32_t from = 0;
  MacAddress to;
  std::optional<std::uint32_t> to_node;  // a unicast flow's destination, listed in the report even at 0
  std::uint32_t bytes = 250;
  double interval_ms = 100.0;
  Arrival arrival = Arrival::periodic;
  PhyRate rate = PhyRate::r1m;
};

struct Scenario {
  std::uint64_t seed = 1;
  double duration_s = 10.0;
  PathLoss path_loss;
  std::vector<NodeSpec> nodes;
  std::vector<FlowSpec> flows;
};

void only_keys(const json& j, const std::string& where, std::initializer_list<const char*> allowed) {
  if (!j.is_object()) throw BadScenario(where + ": expected an object");
  for (const auto& [key, value] : j.items()) {
    bool ok = false;
    for (const char* a : allowed) ok = ok || key == a;
    if (!ok) throw BadScenario(where + ": unknown key \"" + key + "\"");
  }
}

double number(const json& j, const std::string& where) {
  if (!j.is_number()) throw BadScenario(where + ": expected a number");
  return j.get<double>();
}

// Virtual time counts nanoseconds in 64 bits: a span must be one at least
// (shorter ones are 0, and a flow at interval 0 never lets time move), and a
// run at most 9e9 s (292 years) long.
constexpr double kMaxDurationS = 9e9;

// `least` as the scenario would write it; `why` says what that least is.
void check_not_below(double value, const char* least, const std::string& where, const char* why) {
  if (!(value >= std::strtod(least, nullptr))) throw BadScenario(where + ": at least " + least + " (" + why + ")");
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

MacAddress parse_mac(const json& j, const std::string& where) {
  if (!j.is_string()) throw BadScenario(where + ": expected a MAC address string");
  const auto r = MacAddress::parse(j.get<std::string>());
  if (!r.ok()) throw BadScenario(where + ": \"" + j.get<std::string>() + "\" is not a MAC address");
  return r.value();
}

PhyRate parse_rate(const json& j, const std::string& where) {
  static const std::map<std::string, PhyRate> kNames{
      {"1M", PhyRate::r1m},     {"2M", PhyRate::r2m},     {"5.5M", PhyRate::r5m},   {"11M", PhyRate::r11m},
      {"6M", PhyRate::r6m},     {"9M", PhyRate::r9m},     {"12M", PhyRate::r12m},   {"18M", PhyRate::r18m},
      {"24M", PhyRate::r24m},   {"36M", PhyRate::r36m},   {"48M", PhyRate::r48m},   {"54M", PhyRate::r54m},
      {"LR250K", PhyRate::lora_250k}, {"LR500K", PhyRate::lora_500k}};
  if (!j.is_string() || !kNames.count(j.get<std::string>()))
    throw BadScenario(where + ": not a rate (1M, 2M, 5.5M, 11M, 6M ... 54M, LR250K, LR500K)");
  return kNames.at(j.get<std::string>());
}

// Espressif's LR rates need long range at both ends (SPEC §3 "Rates"): the
// sender, and a unicast's receiver (a broadcast reaches the nodes that have it).
void check_long_range(const Scenario& s, const FlowSpec& f, const std::string& where) {
  if (!is_long_range(f.rate)) return;
  for (const auto node : {std::optional<std::uint32_t>(f.from), f.to_node})
    if (node && !s.nodes[*node].long_range)
      throw BadScenario(where + ".rate: an LR rate needs long range at both ends, and nodes[" + std::to_string(*node) +
                        "] (" + s.nodes[*node].mac_text + ") has no \"long_range\": true");
}

Scenario parse(const json& root) {
  Scenario s;
  only_keys(root, "scenario", {"seed", "duration_s", "air", "nodes", "traffic"});
  if (root.contains("seed")) {
    if (!root["seed"].is_number_unsigned()) throw BadScenario("seed: expected a non-negative integer");
    s.seed = root["seed"].get<std::uint64_t>();
  }
  if (root.contains("duration_s")) s.duration_s = number(root["duration_s"], "duration_s");
  if (!(s.duration_s > 0)) throw BadScenario("duration_s: must be positive");
  check_not_below(s.duration_s, "0.000000001", "duration_s", "one nanosecond");
  if (s.duration_s > kMaxDurationS)
    throw BadScenario("duration_s: at most 9e9 (virtual time counts nanoseconds in 64 bits)");
  if (root.contains("air")) {
    const json& air = root["air"];
    only_keys(air, "air", {"path_loss_exponent", "reference_loss_db"});
    if (air.contains("path_loss_exponent")) s.path_loss.exponent = number(air["path_loss_exponent"], "air.path_loss_exponent");
    if (air.contains("reference_loss_db")) s.path_loss.reference_db = number(air["reference_loss_db"], "air.reference_loss_db");
    check_not_below(s.path_loss.exponent, "0", "air.path_loss_exponent", "0: no loss with distance");
    check_not_below(s.path_loss.reference_db, "0", "air.reference_loss_db", "a path loses power, never adds it");
  }
  if (!root.contains("nodes") || !root["nodes"].is_array() || root["nodes"].empty())
    throw BadScenario("nodes: expected a non-empty list");
  std::map<MacAddress, std::uint32_t> index;
  for (std::size_t i = 0; i < root["nodes"].size(); ++i) {
    const json& n = root["nodes"][i];
    const std::string where = "nodes[" + std::to_string(i) + "]";
    only_keys(n, where, {"mac", "pos", "tx_power_dbm", "channel", "long_range", "program"});
    if (!n.contains("mac")) throw BadScenario(where + ": \"mac\" is missing");
    NodeSpec node;
    node.mac = parse_mac(n["mac"], where + ".mac");
    node.mac_text = lower(n["mac"].get<std::string>());
    if (node.mac.is_multicast()) throw BadScenario(where + ".mac: " + node.mac_text + " is a group address, not a radio's");
    if (index.count(node.mac)) throw BadScenario(where + ".mac: " + node.mac_text + " is already nodes[" + std::to_string(index[node.mac]) + "]");
    if (n.contains("pos")) {
      const json& p = n["pos"];
      if (!p.is_array() || p.size() != 2) throw BadScenario(where + ".pos: expected [x, y] in metres");
      node.pos = {number(p[0], where + ".pos[0]"), number(p[1], where + ".pos[1]")};
    }
    if (n.contains("tx_power_dbm")) {
      // An ESP32's range (esp_wifi_set_max_tx_power: 8..84 quarter dBm): a
      // typo (100 for 10) would otherwise plan a link that cannot exist.
      node.tx_power_dbm = number(n["tx_power_dbm"], where + ".tx_power_dbm");
      if (node.tx_power_dbm < 2.0 || node.tx_power_dbm > 21.0)
        throw BadScenario(where + ".tx_power_dbm: " + n["tx_power_dbm"].dump() + " is outside an ESP32's 2-21 dBm");
    }
    if (n.contains("channel")) {
      const json& c = n["channel"];
      if (!c.is_number_integer() || !is_valid_channel(c.get<int>()))
        throw BadScenario(where + ".channel: " + c.dump() + " is not a channel (1-14)");
      node.channel = static_cast<std::uint8_t>(c.get<int>());
    }
    if (n.contains("long_range")) {
      if (!n["long_range"].is_boolean()) throw BadScenario(where + ".long_range: expected true or false");
      node.long_range = n["long_range"].get<bool>();
    }
    if (n.contains("program")) {
      if (!n["program"].is_string() || n["program"].get<std::string>().empty())
        throw BadScenario(where + ".program: expected the path of a MicroPython script");
      node.program = n["program"].get<std::string>();
    }
    index[node.mac] = static_cast<std::uint32_t>(i);
    s.nodes.push_back(node);
  }
  if (root.contains("traffic")) {
    if (!root["traffic"].is_array()) throw BadScenario("traffic: expected a list");
    for (std::size_t i = 0; i < root["traffic"].size(); ++i) {
      const json& t = root["traffic"][i];
      const std::string where = "traffic[" + std::to_string(i) + "]";
      only_keys(t, where, {"from", "to", "bytes", "interval_ms", "arrival", "rate"});
      for (const char* k : {"from", "to"})
        if (!t.contains(k)) throw BadScenario(where + ": \"" + k + "\" is missing");
      FlowSpec f;
      const MacAddress from = parse_mac(t["from"], where + ".from");
      f.from_text = lower(t["from"].get<std::string>());
      if (!index.count(from)) throw BadScenario(where + ".from: " + f.from_text + " is not a node");
      f.from = index[from];
      f.to = parse_mac(t["to"], where + ".to");
      f.to_text = lower(t["to"].get<std::string>());
      if (f.to.is_unicast()) {
        if (!index.count(f.to)) throw BadScenario(where + ".to: " + f.to_text + " is not a node");
        if (f.to == from) throw BadScenario(where + ".to: " + f.to_text + " is the sender itself");
        f.to_node = index[f.to];
      }
      if (t.contains("bytes")) {
        const json& b = t["bytes"];
        if (!b.is_number_integer() || b.get<long>() < 1 || b.get<long>() > long(wire::kMaxMessageV2))
          throw BadScenario(where + ".bytes: expected 1-1470");
        f.bytes = b.get<std::uint32_t>();
      }
      if (t.contains("interval_ms")) f.interval_ms = number(t["interval_ms"], where + ".interval_ms");
      if (t.contains("arrival")) {
        const std::string a = t["arrival"].is_string() ? t["arrival"].get<std::string>() : "";
        if (a == "periodic") f.arrival = Arrival::periodic;
        else if (a == "poisson") f.arrival = Arrival::poisson;
        else if (a == "saturated") f.arrival = Arrival::saturated;
        else throw BadScenario(where + ".arrival: expected periodic, poisson or saturated");
      }
      if (f.arrival != Arrival::saturated && !(f.interval_ms > 0))
        throw BadScenario(where + ".interval_ms: must be positive");
      if (f.arrival != Arrival::saturated) check_not_below(f.interval_ms, "0.000001", where + ".interval_ms", "one nanosecond");
      if (t.contains("rate")) f.rate = parse_rate(t["rate"], where + ".rate");
      check_long_range(s, f, where);
      s.flows.push_back(f);
    }
  }
  return s;
}

// Per-flow counts, and the message the flow sends (Run::flow_of).
struct FlowStats {
  explicit FlowStats(std::pmr::memory_resource* memory) : received(memory) {}
  std::uint64_t offered = 0, queue_drops = 0, sent = 0, acked = 0, failed = 0;
  ReceptionCounts received;
  std::vector<std::uint8_t> message;
};

// What a flow's message carries, so that a receiver tells from what its link
// delivered whose message it is: the flow's index (4 bytes, little-endian),
// the message's number (4 bytes, as far as the message reaches), then zeros.
// A message shorter than 4 bytes carries, in what it has, the flow's place
// among its sender's flows (the sender known by the frame's source address).
constexpr std::size_t kIndexBytes = 4;

void put_le(std::span<std::uint8_t> out, std::uint64_t v) {
  for (std::uint8_t& b : out) b = static_cast<std::uint8_t>(v), v >>= 8;
}
std::uint64_t get_le(std::span<const std::uint8_t> in) {
  std::uint64_t v = 0;
  for (std::size_t i = in.size(); i-- > 0;) v = v << 8 | in[i];
  return v;
}

// The SoftLink options of every node: protocol version 2 when some flow's
// messages need it (over 250 bytes), so that every receiver takes them.
std::uint8_t link_version(const Scenario& s) {
  return std::any_of(s.flows.begin(), s.flows.end(), [](const FlowSpec& f) { return f.bytes > wire::kMaxMessageV1; })
             ? 2 : 1;
}

// What running the flows through SoftLink asks of a scenario: a node sends to
// at most 20 peers (ESP-NOW's peer table), and a message shorter than 4 bytes
// can name only so many of its sender's flows.
void check_for_links(const Scenario& s) {
  std::vector<std::set<MacAddress>> peers(s.nodes.size());
  std::vector<std::uint64_t> flows_from(s.nodes.size());
  for (std::size_t i = 0; i < s.flows.size(); ++i) {
    const FlowSpec& f = s.flows[i];
    const std::string where = "traffic[" + std::to_string(i) + "]";
    peers[f.from].insert(f.to);
    if (peers[f.from].size() > std::size_t{MAX_TOTAL_PEER_NUM})
      throw BadScenario(where + ".to: " + f.from_text + " would send to more than " +
                        std::to_string(MAX_TOTAL_PEER_NUM) + " peers (ESP-NOW's peer table)");
    const std::uint64_t place = flows_from[f.from]++;
    if (f.bytes < kIndexBytes && place >> (8 * f.bytes) != 0)
      throw BadScenario(where + ".bytes: a " + std::to_string(f.bytes) + "-byte message names only the first " +
                        std::to_string(1u << (8 * f.bytes)) + " flows of its sender");
  }
}

// A unicast between nodes on different channels is physics (every attempt
// fails), but rarely what was meant: said on stderr, the run goes on. (Not
// with programs: a script may retune.)
void warn_across_channels(const std::string& path, const Scenario& s) {
  for (std::size_t i = 0; i < s.flows.size(); ++i) {
    const FlowSpec& f = s.flows[i];
    if (!f.to_node || s.nodes[f.from].channel == s.nodes[*f.to_node].channel) continue;
    std::fprintf(stderr, "espnow sim: %s: warning: traffic[%zu] goes from channel %d to a node on channel %d: every "
                 "attempt will fail\n", path.c_str(), i, s.nodes[f.from].channel, s.nodes[*f.to_node].channel);
  }
}

// "52 s", "14 min", "3.2 h", "41 days": a progress line's wall time left.
std::string rough_duration(double s) {
  char text[32];
  if (s < 120) std::snprintf(text, sizeof text, "%.0f s", s);
  else if (s < 7200) std::snprintf(text, sizeof text, "%.0f min", s / 60);
  else if (s < 172800) std::snprintf(text, sizeof text, "%.1f h", s / 3600);
  else std::snprintf(text, sizeof text, "%.0f days", s / 86400);
  return text;
}

class Run {
 public:
  explicit Run(const Scenario& s) : s_(s), air_(engine_, AirConfig{s.path_loss, s.seed}) {
    std::vector<RadioConfig> radios(s.nodes.size());
    for (std::size_t i = 0; i < s.nodes.size(); ++i) {
      const NodeSpec& n = s.nodes[i];
      radios[i].mac = n.mac;
      radios[i].pos = n.pos;
      radios[i].tx_power_dbm = n.tx_power_dbm;
      radios[i].channel = n.channel;
      radios[i].long_range = n.long_range;
    }
    air_.add_radios(radios);  // node i is radio i
    stats_.reserve(s.flows.size());
    for (std::size_t k = 0; k < s.flows.size(); ++k) stats_.emplace_back(&count_memory_);
    add_links();
    for (std::size_t k = 0; k < s.flows.size(); ++k) start_flow(k);
    // The channels in use, once: nodes keep theirs (looking them up at every
    // sample was 10,000 map lookups per 100 simulated ms at 10,000 devices).
    for (const NodeSpec& n : s.nodes) busy_.try_emplace(n.channel);
  }

  // Writes every frame on the air to `path` from now on.
  bool capture_to(const std::string& path) {
    auto opened = AirCapture::open(path, air_, [this](const AirFrame& f) { return frames_.attempt(f); });
    if (!opened.ok()) {
      std::fprintf(stderr, "espnow sim: --pcap: %s\n", std::string(opened.detail()).c_str());
      return false;
    }
    capture_ = std::move(opened).value();
    return true;
  }

  void run(bool progress) {
    const Time end = end_;
    const auto t0 = std::chrono::steady_clock::now();
    auto last_print = t0;
    for (Time t = 0; t < end;) {
      if (g_stop) {  // Ctrl-C: what was counted up to here is still reported
        interrupted_ = true;
        break;
      }
      t = std::min(end, t + kSample);
      engine_.run_until(t);
      sample_busy();
      const auto now = std::chrono::steady_clock::now();
      if (progress && now - last_print > std::chrono::seconds(2)) {
        last_print = now;
        const double wall = std::chrono::duration<double>(now - t0).count();
        std::fprintf(stderr, "espnow sim: %.1f of %.1f simulated s, %.0f events/s, about %s of wall time left\n",
                     to_seconds(t), s_.duration_s, static_cast<double>(engine_.events_run()) / wall,
                     rough_duration(wall * static_cast<double>(end - t) / static_cast<double>(t)).c_str());
      }
    }
    wall_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (capture_) capture_->flush();
  }
  bool interrupted() const { return interrupted_; }
  double simulated_seconds() const { return to_seconds(engine_.now()); }

  // The page of pictures (--report): the summary with positions and the busy series.
  ReportData report_data(const std::string& title) const {
    ReportData d;
    d.title = title;
    d.summary = report();
    for (const NodeSpec& n : s_.nodes) d.nodes.push_back({n.mac_text, n.pos.x, n.pos.y, n.channel});
    d.interval_s = to_seconds(kSample);
    for (const auto& [ch, series] : busy_) d.busy.push_back({ch, series});
    return d;
  }

  // report().dump() and a newline, written straight to `out` as it is
  // serialised: at 10,000 devices a flow's receivers number hundreds, and
  // building the JSON object first cost seconds and most of the process's
  // memory (and the whole text in one string, 86 MB, its pages cleared).
  void write_json(std::FILE* out) const {
    std::string text = "{\"channels\":" + channels_json().dump() + ",\"events\":" +
                       std::to_string(engine_.events_run()) + ",\"flows\":[";
    std::vector<std::pair<std::uint32_t, std::uint64_t>> rows;
    for (std::size_t k = 0; k < s_.flows.size(); ++k) {
      const FlowSpec& f = s_.flows[k];
      const FlowStats& st = stats_[k];
      received_rows(k, rows);
      text += k ? ",{" : "{";
      text += "\"acked\":" + std::to_string(st.acked) + ",\"failed\":" + std::to_string(st.failed) +
              ",\"from\":\"" + f.from_text + "\",\"offered\":" + std::to_string(st.offered) +
              ",\"queue_drops\":" + std::to_string(st.queue_drops) + ",\"received\":{";
      append_received(rows, text);
      text += "},\"sent\":" + std::to_string(st.sent) + ",\"to\":\"" + f.to_text + "\"}";
      if (text.size() >= (1u << 16)) {
        std::fwrite(text.data(), 1, text.size(), out);
        text.clear();
      }
    }
    text += "],\"nodes\":" + nodes_json().dump() + ",\"sim_seconds\":" + json(to_seconds(engine_.now())).dump() +
            ",\"wall_seconds\":" + json(wall_seconds_).dump() + "}\n";
    std::fwrite(text.data(), 1, text.size(), out);
  }

  // A flow's `"mac":count` pairs, written in place: 3.8 million of them at
  // 10,000 devices, where a string append per piece took a tenth of a second
  // (a temporary string per pair, before that, a heap allocation each).
  void append_received(const std::vector<std::pair<std::uint32_t, std::uint64_t>>& rows, std::string& text) const {
    constexpr std::size_t kCountDigits = 20;  // of a 64-bit count
    std::size_t most = 0;
    for (const auto& row : rows) most += s_.nodes[row.first].mac_text.size() + 4 + kCountDigits;
    const std::size_t start = text.size();
    text.resize(start + most);
    char* p = text.data() + start;
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const std::string& mac = s_.nodes[rows[r].first].mac_text;
      if (r) *p++ = ',';
      *p++ = '"';
      p = std::copy(mac.begin(), mac.end(), p);
      *p++ = '"';
      *p++ = ':';
      p = std::to_chars(p, p + kCountDigits, rows[r].second).ptr;
    }
    text.resize(static_cast<std::size_t>(p - text.data()));
  }

  void print_summary() const {
    std::printf("%.1f simulated s in %.2f s of wall time, %llu events\n", to_seconds(engine_.now()), wall_seconds_,
                static_cast<unsigned long long>(engine_.events_run()));
    std::printf("flows:\n");
    std::vector<std::pair<std::uint32_t, std::uint64_t>> rows;
    for (std::size_t k = 0; k < s_.flows.size(); ++k) {
      const FlowStats& st = stats_[k];
      received_rows(k, rows);
      std::uint64_t received = 0;
      for (const auto& row : rows) received += row.second;
      std::printf("  %s -> %s: offered %llu, queue drops %llu, sent %llu, acked %llu, failed %llu, received %llu\n",
                  s_.flows[k].from_text.c_str(), s_.flows[k].to_text.c_str(), (unsigned long long)st.offered,
                  (unsigned long long)st.queue_drops, (unsigned long long)st.sent, (unsigned long long)st.acked,
                  (unsigned long long)st.failed, (unsigned long long)received);
    }
    std::printf("nodes:\n");
    for (std::uint32_t i = 0; i < s_.nodes.size(); ++i) {
      const MacCounters& c = const_cast<Air&>(air_).mac(i).counters();
      std::printf("  %s: %llu transmissions, %llu receptions, lost %llu to collisions, %llu to weak signal\n",
                  s_.nodes[i].mac_text.c_str(), (unsigned long long)c.transmissions, (unsigned long long)c.receptions,
                  (unsigned long long)c.lost_collision, (unsigned long long)c.lost_weak);
    }
    for (const auto& c : channels_json())
      std::printf("channel %d: busy %.1f%%\n", c["channel"].get<int>(), 100.0 * c["busy_fraction"].get<double>());
  }

  json report() const {
    json out;
    out["flows"] = json::array();
    std::vector<std::pair<std::uint32_t, std::uint64_t>> rows;
    for (std::size_t k = 0; k < s_.flows.size(); ++k) {
      const FlowSpec& f = s_.flows[k];
      const FlowStats& st = stats_[k];
      json received = json::object();
      received_rows(k, rows);
      for (const auto& [node, count] : rows) received[s_.nodes[node].mac_text] = count;
      out["flows"].push_back({{"from", f.from_text}, {"to", f.to_text}, {"offered", st.offered},
                              {"queue_drops", st.queue_drops}, {"sent", st.sent}, {"acked", st.acked},
                              {"failed", st.failed}, {"received", received}});
    }
    out["nodes"] = nodes_json();
    out["channels"] = channels_json();
    out["sim_seconds"] = to_seconds(engine_.now());
    out["wall_seconds"] = wall_seconds_;
    out["events"] = engine_.events_run();
    return out;
  }

 private:
  // Flow k's receivers (its sender left out) in order of MAC text, as a JSON
  // object keeps its keys; a unicast destination even when it received nothing.
  // Sorted as one 64-bit key per row, its node's place in that order
  // (mac_ranks()) above its position: the report sorts ~400 receivers of each
  // of 10,000 flows, and comparing rows by a place looked up per comparison
  // took most of the report's time.
  void received_rows(std::size_t k, std::vector<std::pair<std::uint32_t, std::uint64_t>>& rows) const {
    const FlowSpec& f = s_.flows[k];
    const std::vector<std::uint32_t>& rank = mac_ranks();
    std::vector<std::pair<std::uint32_t, std::uint64_t>>& found = unsorted_rows_;
    found.clear();
    stats_[k].received.for_each([&](std::uint32_t node, std::uint64_t count) {
      if (node != f.from) found.emplace_back(node, count);
    });
    if (f.to_node && *f.to_node != f.from &&
        std::none_of(found.begin(), found.end(), [&](const auto& row) { return row.first == *f.to_node; }))
      found.emplace_back(*f.to_node, 0);
    std::vector<std::uint64_t>& keys = row_keys_;
    keys.clear();
    for (std::uint32_t r = 0; r < found.size(); ++r) keys.push_back(std::uint64_t{rank[found[r].first]} << 32 | r);
    std::sort(keys.begin(), keys.end());
    rows.clear();
    for (const std::uint64_t key : keys) rows.push_back(found[static_cast<std::uint32_t>(key)]);
  }

  // Each node's place in the order of MAC texts (distinct: no two nodes share
  // a MAC), worked out once: the report sorts ~400 receivers of each of
  // 10,000 flows by it, and comparing strings there cost a second.
  const std::vector<std::uint32_t>& mac_ranks() const {
    if (mac_rank_.size() == s_.nodes.size()) return mac_rank_;
    std::vector<std::uint32_t> order(s_.nodes.size());
    for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(),
              [this](std::uint32_t a, std::uint32_t b) { return s_.nodes[a].mac_text < s_.nodes[b].mac_text; });
    mac_rank_.resize(order.size());
    for (std::uint32_t r = 0; r < order.size(); ++r) mac_rank_[order[r]] = r;
    return mac_rank_;
  }

  json nodes_json() const {
    json nodes = json::array();
    for (std::uint32_t i = 0; i < s_.nodes.size(); ++i) {
      const MacCounters& c = const_cast<Air&>(air_).mac(i).counters();
      nodes.push_back({{"mac", s_.nodes[i].mac_text}, {"transmissions", c.transmissions},
                       {"receptions", c.receptions}, {"lost_collision", c.lost_collision},
                       {"lost_weak", c.lost_weak}});
    }
    return nodes;
  }

  // The share of the run so far that some frame was on the air on `ch` (0
  // for a run stopped before its first nanosecond).
  double busy_fraction(int ch) const {
    const Time busy = air_.busy_time(static_cast<std::uint8_t>(ch));
    return engine_.now() > 0 ? to_seconds(busy) / to_seconds(engine_.now()) : 0.0;
  }

  json channels_json() const {
    std::set<int> used;
    for (const NodeSpec& n : s_.nodes) used.insert(n.channel);
    json channels = json::array();
    for (int ch : used)
      channels.push_back({{"channel", ch}, {"busy_fraction", busy_fraction(ch)}});
    return channels;
  }

  // The part of a SoftLink that on_frame reads (soft_link.hpp keeps it
  // first): fetched ahead with the station (Air::set_companion), since on a
  // field of 10,000 a receiver's link is cold when a frame reaches it.
  static constexpr std::size_t kLinkReceiveBytes = 72;

  // A node: its SoftLink on its station of the air, from a line's start (the
  // lines a delivery reads, and no more, are fetched ahead).
  struct alignas(64) Node {
    Node(Run& r, std::uint32_t i, const SoftLinkOptions& options)
        : run(r), index(i), radio(r.frames_, r.air_, i), link(radio, options) {}
    Run& run;
    std::uint32_t index;
    StationRadio radio;
    SoftLink link;
    // The flows of its messages the MAC holds, in transmit order (its
    // reports come in that order): at most the 16-frame queue.
    std::array<std::uint32_t, 32> pending{};
    std::uint32_t head = 0, count = 0;
    void push(std::uint32_t flow) { pending[(head + count++) % pending.size()] = flow; }
    std::uint32_t pop_front() {
      const std::uint32_t flow = pending[head];
      head = (head + 1) % pending.size();
      --count;
      return flow;
    }
  };

  void add_links() {
    const std::uint8_t version = link_version(s_);
    // Made in the order the air lays out its radios (sim::spatial_order), so
    // that the nodes a frame reaches lie together in memory too.
    std::vector<Position> positions(s_.nodes.size());
    for (std::size_t i = 0; i < positions.size(); ++i) positions[i] = s_.nodes[i].pos;
    nodes_.resize(s_.nodes.size());
    for (const std::uint32_t i : sim::spatial_order(positions)) {
      SoftLinkOptions options;
      options.version = version;
      options.seed = s_.seed * 0x9E3779B97F4A7C15ull + i + 1;  // as Simulation seeds its devices' links
      options.one_thread = true;  // the engine's: every call and delivery
      Node& n = *(nodes_[i] = NodePtr(node_memory_.make<Node>(*this, i, options)));
      n.link.register_recv_cb(&Run::on_message, &n);
      n.link.register_send_cb(&Run::on_sent, &n);
      (void)n.link.init();
      // What a delivery reads of the node: the node up to its link, and the
      // link's receiving state, which SoftLink keeps first (kLinkReceiveBytes).
      air_.set_companion(i, &n, static_cast<std::size_t>(reinterpret_cast<const char*>(&n.link) -
                                                          reinterpret_cast<const char*>(&n)) + kLinkReceiveBytes);
    }
    std::vector<std::uint32_t> flows_from(s_.nodes.size());
    for (std::size_t k = 0; k < s_.flows.size(); ++k) {
      const FlowSpec& f = s_.flows[k];
      SoftLink& link = nodes_[f.from]->link;
      if (!link.is_peer_exist(f.to)) {
        PeerInfo peer;
        peer.mac = f.to;
        (void)link.add_peer(peer);  // within the table's 20: check_for_links
      }
      std::vector<std::uint8_t>& m = stats_[k].message;
      m.assign(f.bytes, 0);
      const std::uint32_t place = flows_from[f.from]++;
      if (m.size() >= kIndexBytes) put_le(std::span(m).first(kIndexBytes), k);
      else {
        put_le(m, place);
        short_flows_[{f.from, place}] = static_cast<std::uint32_t>(k);
      }
    }
    if (!short_flows_.empty())
      for (std::uint32_t i = 0; i < s_.nodes.size(); ++i) node_of_mac_[s_.nodes[i].mac] = i;
  }

  // The flow whose message a link delivered (see kIndexBytes); stats_.size() if none.
  std::size_t flow_of(const RecvInfo& info, std::span<const std::uint8_t> message) const {
    if (message.size() >= kIndexBytes) return static_cast<std::size_t>(get_le(message.first(kIndexBytes)));
    const auto sender = node_of_mac_.find(info.src);
    if (sender == node_of_mac_.end()) return stats_.size();
    const auto flow = short_flows_.find({sender->second, static_cast<std::uint32_t>(get_le(message))});
    return flow == short_flows_.end() ? stats_.size() : flow->second;
  }

  // A message a node's link delivered: a reception of the flow it names.
  static void on_message(void* ctx, const RecvInfo& info, std::span<const std::uint8_t> message) {
    Node& n = *static_cast<Node*>(ctx);
    const std::size_t k = n.run.flow_of(info, message);
    if (k < n.run.stats_.size()) n.run.stats_[k].received.count(n.index);
  }
  // A node's link reported a message: the oldest it holds.
  static void on_sent(void* ctx, const MacAddress&, SendStatus status) {
    Node& n = *static_cast<Node*>(ctx);
    if (n.count > 0) n.run.reported(n.pop_front(), status);
  }

  void offer(std::size_t k) {
    const FlowSpec& f = s_.flows[k];
    FlowStats& st = stats_[k];
    Node& n = *nodes_[f.from];
    if (st.message.size() > kIndexBytes) {  // its number, as far as the message reaches
      const std::size_t end = std::min<std::size_t>(st.message.size(), 2 * kIndexBytes);
      put_le(std::span(st.message).subspan(kIndexBytes, end - kIndexBytes), st.offered);
    }
    ++st.offered;
    n.push(static_cast<std::uint32_t>(k));  // before send: a report may follow within it
    (void)n.link.set_rate(f.rate);
    if (n.link.send(&f.to, st.message)) {  // NO_MEM: the MAC's queue is full
      --n.count;
      ++st.queue_drops;
    }
  }

  void start_flow(std::size_t k) {
    const FlowSpec& f = s_.flows[k];
    Random& rnd = air_.random();
    switch (f.arrival) {
      case Arrival::saturated:
        // The queue never runs empty: fill it, and refill on each report.
        engine_.at(0, [this, k] {
          while (air_.mac(s_.flows[k].from).queued() < 16) offer(k);
        });
        break;
      case Arrival::periodic:
        // A random phase, so that periodic senders do not start in lockstep.
        within_run(rnd.uniform() * static_cast<double>(milliseconds(1)) * f.interval_ms, [this, k] { periodic(k); });
        break;
      case Arrival::poisson:
        within_run(rnd.exponential(f.interval_ms * 1e6), [this, k] { poisson(k); });
        break;
    }
  }
  void periodic(std::size_t k) {
    offer(k);
    within_run(s_.flows[k].interval_ms * 1e6, [this, k] { periodic(k); });
  }
  void poisson(std::size_t k) {
    offer(k);
    within_run(air_.random().exponential(s_.flows[k].interval_ms * 1e6), [this, k] { poisson(k); });
  }
  // `f` in `ns` (whole nanoseconds of it) from now, unless that is past the
  // run's end: an interval may be longer than the run, or than virtual time
  // can count.
  template <class F>
  void within_run(double ns, F&& f) {
    if (ns < static_cast<double>(end_ - engine_.now()) + 1) engine_.after(static_cast<Time>(ns), std::forward<F>(f));
  }

  // Each channel's busy share of the sample just ended.
  void sample_busy() {
    const double span = to_seconds(engine_.now() - sampled_at_);
    for (auto& [ch, series] : busy_) {
      const Time busy = air_.busy_time(static_cast<std::uint8_t>(ch));
      series.push_back(span > 0 ? to_seconds(busy - busy_at_[ch]) / span : 0.0);
      busy_at_[ch] = busy;
    }
    sampled_at_ = engine_.now();
  }

  // A group message is sent (never acknowledged); a unicast acked or failed.
  void reported(std::size_t k, SendStatus status) {
    FlowStats& st = stats_[k];
    ++st.sent;
    if (status == SendStatus::fail) ++st.failed;
    else if (s_.flows[k].to.is_unicast()) ++st.acked;
    if (s_.flows[k].arrival == Arrival::saturated) offer(k);
  }

  const Scenario& s_;
  const Time end_ = seconds(s_.duration_s);
  bool interrupted_ = false;
  Engine engine_;
  Air air_;
  FrameStore frames_{engine_};                // the bytes of the frames on the air
  sim::HugePageArena node_memory_;  // before nodes_: it outlives them
  using NodePtr = std::unique_ptr<Node, sim::HugePageArena::Destroy>;
  std::vector<NodePtr> nodes_;  // by index: each a SoftLink on its station
  sim::HugePageBlocks count_memory_;  // before stats_: the reception counts grow in it
  std::vector<FlowStats> stats_;
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::uint32_t> short_flows_;  // (sender, place) -> flow
  std::map<MacAddress, std::uint32_t> node_of_mac_;  // only with short_flows_
  double wall_seconds_ = 0;
  std::unique_ptr<AirCapture> capture_;
  static constexpr Time kSample = milliseconds(100);
  std::map<int, std::vector<double>> busy_;  // channel -> busy share per sample
  std::map<int, Time> busy_at_;
  Time sampled_at_ = 0;
  mutable std::vector<std::uint32_t> mac_rank_;  // mac_ranks()'s, once asked
  // received_rows()'s scratch, reused from flow to flow.
  mutable std::vector<std::pair<std::uint32_t, std::uint64_t>> unsorted_rows_;
  mutable std::vector<std::uint64_t> row_keys_;
};


// What a scenario with programs needs beyond espnow sim's checks: its
// scripts readable, messages long enough to carry their flow and number,
// the default rate (whole devices send at it), no --report.
void check_for_programs(const Scenario& s, const std::string& scenario_path, const SimOptions& options) {
  const auto folder = std::filesystem::absolute(scenario_path).parent_path();
  for (std::size_t i = 0; i < s.nodes.size(); ++i) {
    if (s.nodes[i].program.empty()) continue;
    const auto script = folder / s.nodes[i].program;
    if (!std::ifstream(script))
      throw BadScenario("nodes[" + std::to_string(i) + "].program: cannot read " + script.string());
  }
  for (std::size_t i = 0; i < s.flows.size(); ++i) {
    const std::string where = "traffic[" + std::to_string(i) + "]";
    if (s.flows[i].bytes < 8)
      throw BadScenario(where + ".bytes: with programs, at least 8 (a message carries its traffic entry and number)");
    if (s.flows[i].rate != PhyRate::r1m)
      throw BadScenario(where + ".rate: with programs every node is a whole device, which sends at 1M");
  }
  if (!options.report.empty()) throw BadScenario("--report: not for a scenario with programs (yet)");
}

bool has_programs(const Scenario& s) {
  return std::any_of(s.nodes.begin(), s.nodes.end(), [](const NodeSpec& n) { return !n.program.empty(); });
}

// The launcher beside this program (the build folder, or PREFIX/bin), or ESPNOW_PYTHON.
std::string launcher_path() {
  if (const char* env = std::getenv("ESPNOW_PYTHON"); env && *env) return env;
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? "espnow-python" : (self.parent_path() / "espnow-python").string();
}

// A scenario with programs runs on whole devices, in the Python launcher
// (espnow_scenario.py), which runs the scripts; this process becomes it.
int run_with_programs(const std::string& scenario_path, bool json_output, const SimOptions& options) {
  std::vector<std::string> args{launcher_path(), "--sim-scenario", scenario_path, "--checked"};
  if (json_output) args.push_back("--json");
  if (!options.pcap.empty()) args.insert(args.end(), {"--pcap", options.pcap});
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::fflush(stdout);
  execvp(argv[0], argv.data());
  std::fprintf(stderr, "espnow sim: cannot run %s for the scenario's programs: %s\n", argv[0], std::strerror(errno));
  return 1;
}

}  // namespace

int cmd_sim(const std::string& scenario_path, bool json_output, const SimOptions& options) {
  Scenario scenario;
  try {
    std::ifstream in(scenario_path);
    if (!in) throw BadScenario("cannot read the file");
    json root;
    try {
      root = json::parse(in);
    } catch (const json::parse_error& e) {
      throw BadScenario(std::string("not JSON: ") + e.what());
    }
    scenario = parse(root);
    if (has_programs(scenario)) check_for_programs(scenario, scenario_path, options);
    else check_for_links(scenario);
  } catch (const BadScenario& e) {
    std::fprintf(stderr, "espnow sim: %s: %s\n", scenario_path.c_str(), e.what());
    return 2;
  }
  if (!has_programs(scenario)) warn_across_channels(scenario_path, scenario);
  if (has_programs(scenario)) return run_with_programs(scenario_path, json_output, options);
  // A large field's memory is mapped and faulted in ahead, on a thread of its
  // own (on a VM the kernel clears a new 2 MB page at 0.5-1 GB/s, 6% of the
  // 10,000-device field's run); a small field would only pay for the stock.
  if (scenario.nodes.size() >= 1000) sim::HugePageArena::prepare_ahead(4);
  Run run(scenario);
  if (!options.pcap.empty() && !run.capture_to(options.pcap)) return 1;
  std::ofstream page;  // opened before the run, so that a long run's page is not lost to a bad path
  if (!options.report.empty() && (page.open(options.report), !page)) {
    std::fprintf(stderr, "espnow sim: --report: cannot write %s: %s\n", options.report.c_str(), std::strerror(errno));
    return 1;
  }
  run.run(/*progress=*/true);
  if (run.interrupted())
    std::fprintf(stderr, "espnow sim: interrupted at %.1f of %.1f simulated s; what was counted up to there follows\n",
                 run.simulated_seconds(), scenario.duration_s);
  // A page that cannot be written (a full disk) is an error, but the run's
  // counts are still written below.
  const bool page_failed = !options.report.empty() && !(page << render_report(run.report_data(scenario_path))).flush();
  if (page_failed) std::fprintf(stderr, "espnow sim: --report: cannot write %s\n", options.report.c_str());
  if (json_output) {
    // A reader of a pipe (a benchmark, a script) takes the 86 MB of a
    // 10,000-device report in pieces of the pipe's size, 64 kB by default,
    // each a wait for it to be scheduled on a busy machine; a larger pipe
    // lets this process write on. Nothing happens for a file or a terminal.
    (void)fcntl(STDOUT_FILENO, F_SETPIPE_SZ, 1 << 20);
    run.write_json(stdout);
  }
  else run.print_summary();
  if (page_failed) return 1;
  return run.interrupted() ? 128 + g_stop_signal : 0;
}

}  // namespace espnow::cli
