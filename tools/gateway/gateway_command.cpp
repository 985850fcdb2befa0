// `espnow gateway`: its options on the command line (CLI11).
#include <CLI/CLI.hpp>

#include "gateway_options.hpp"

namespace espnow::gateway {
namespace {

struct OptionHelp {
  const char* name;
  const char* help;
};

// Every option also reads as NAME in the config file (docs/gateway.md).
constexpr OptionHelp kOptions[] = {
    {"mqtt", "the broker: mqtt://HOST[:PORT] or mqtts://HOST[:PORT] (default mqtt://127.0.0.1:1883)"},
    {"mqtt-version", "3.1.1 (default) or 5"},
    {"mqtt-username", "user name (default: $ESPNOW_MQTT_USERNAME)"},
    {"mqtt-password-file", "a file whose first line is the password (else $ESPNOW_MQTT_PASSWORD)"},
    {"mqtt-cafile", "mqtts: the CA certificate(s) to trust (PEM)"},
    {"mqtt-cert", "mqtts: this client's certificate (PEM)"},
    {"mqtt-key", "mqtts: this client's private key (PEM)"},
    {"client-id", "MQTT client id (default espnow-gw-ID)"},
    {"keepalive", "MQTT keepalive, seconds (default 30)"},
    {"prefix", "topic prefix (default espnow)"},
    {"id", "this gateway's id in topics (default: its MAC, 12 hex digits)"},
    {"qos", "QoS of received messages: 0, 1 (default) or 2"},
    {"allow-rx", "senders published: all (default) or MAC,MAC,..."},
    {"allow-tx", "destinations MQTT may send to: none (default: listen only), all, or MAC,MAC,..."},
    {"queue", "messages kept while the broker is unreachable (default 10000); more are dropped, oldest first"},
    {"queue-age", "seconds a kept message may wait before it is dropped (default 3600)"},
    {"stats-interval", "seconds between stats publications (default 60; 0: never)"},
    {"protocol", "raw (default), or esp-now-component: the senders (all, or =MAC,MAC,...) use Espressif's esp-now component"},
    {"spool", "a directory where the queue is kept on disk, so that a restart of the gateway loses nothing"},
};

}  // namespace

CLI::App* add_gateway_command(CLI::App& app, GatewayOptions& options) {
  CLI::App* sub = app.add_subcommand("gateway", "relay ESP-NOW to an MQTT broker and back (docs/gateway.md)");
  sub->add_option("--config", options.config, "a config file of NAME = VALUE lines (options, encrypted peers)");
  for (const OptionHelp& o : kOptions) sub->add_option(std::string("--") + o.name, options.values[o.name], o.help);
  sub->add_option("--ha-discovery", options.values["ha-discovery"],
                  "announce each sender to Home Assistant (MQTT discovery); =PREFIX for a discovery prefix other than homeassistant")
      ->expected(0, 1)
      ->default_str("homeassistant")  // what the bare option means
      ->option_text("[=PREFIX]");
  return sub;
}

}  // namespace espnow::gateway
