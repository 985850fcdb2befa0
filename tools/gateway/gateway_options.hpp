// The settings of `espnow gateway`: as the command line and the config file
// give them (GatewayOptions, text), and checked (GatewaySettings).
#pragma once

#include <algorithm>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "decoder.hpp"
#include "espnow/wire/mac_address.hpp"

namespace CLI {
class App;
}

namespace espnow::gateway {

// Each field is the text of one option (--NAME, or NAME in the config file);
// an empty one was given nowhere. The command line wins over the file.
struct GatewayOptions {
  std::map<std::string, std::string> values;  // option name (no dashes) -> text
  std::vector<std::string> lmks;              // config "lmk = MAC KEY" lines, as MAC=KEY
  struct Line {
    std::string where, text;  // "FILE:LINE: ", and what it says
  };
  std::vector<std::pair<std::string, Line>> decoders;  // "decoder NAME = LAYOUT": NAME, LAYOUT
  std::vector<Line> decodes;                           // "decode = MAC|all NAME"
  std::map<std::string, std::string> from_file;        // option name -> "FILE:LINE: ", where the file set it
  std::string config;                         // --config FILE
};

// Which MACs a direction lets through: everyone, no one, or a list.
struct MacAllowList {
  bool all = false;
  std::vector<MacAddress> macs;
  bool allows(const MacAddress& mac) const;
  std::string describe() const;  // "all", "none" or the MACs
};

struct GatewaySettings {
  std::string host = "127.0.0.1";
  int port = 1883;
  bool tls = false;              // mqtts://
  std::string cafile, certfile, keyfile;
  std::string username, password;  // password: file or environment, never the command line
  int mqtt_version = 4;          // 4: MQTT 3.1.1; 5: MQTT 5
  std::string client_id;         // empty: espnow-gw-<id>
  int keepalive_s = 30;
  std::string prefix = "espnow";
  std::string id;                // GW; empty: the radio's MAC without colons
  int qos = 1;                   // received messages
  MacAllowList allow_rx{.all = true, .macs = {}};
  MacAllowList allow_tx{};       // none: listen only
  std::size_t queue_max = 10000; // messages kept while the broker is away
  double queue_age_s = 3600;     // older ones are dropped (and counted)
  double stats_interval_s = 60;
  std::vector<std::string> lmks; // MAC=KEY encrypted peers, from the config file
  std::string pmk;
  std::string ha_prefix;         // Home Assistant's discovery prefix; empty: no discovery
  std::map<MacAddress, Decoder> decoders;  // a sender's decoder (config "decode = MAC NAME")
  std::optional<Decoder> decoder_for_all;  // "decode = all NAME": senders without their own
  bool component_all = false;               // --protocol esp-now-component: every sender
  std::vector<MacAddress> component_senders; // --protocol esp-now-component=MAC,...: those
  bool speaks_component(const MacAddress& mac) const {
    return component_all || std::find(component_senders.begin(), component_senders.end(), mac) != component_senders.end();
  }
  std::string spool_dir;         // --spool: the queue kept on disk there; empty: in memory only
  const Decoder* decoder_for(const MacAddress& src) const {
    const auto it = decoders.find(src);
    return it != decoders.end() ? &it->second : decoder_for_all ? &*decoder_for_all : nullptr;
  }
};

// Registers `gateway` and its options on `app`.
CLI::App* add_gateway_command(CLI::App& app, GatewayOptions& options);

// Reads --config (when given) under the command line's values, then checks
// everything; a mistake exits 2 naming the option or the file's line.
GatewaySettings resolve_settings(GatewayOptions options);

}  // namespace espnow::gateway
