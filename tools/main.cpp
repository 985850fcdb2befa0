// espnow: talk ESP-NOW on a virtual air, or through a Linux Wi-Fi card, from the command line.
#include <CLI/CLI.hpp>

#include <cstdlib>

#include "cli.hpp"
#include "echo_heartbeat.hpp"
#include "sim_command.hpp"
#include "gateway/gateway.hpp"

using namespace espnow::cli;

namespace {

// The number in `s`, or `fallback` when it is none (CLI11 then names the error).
long number_or(const std::string& s, long fallback) {
  char* end = nullptr;
  const long v = std::strtol(s.c_str(), &end, 10);
  return end != s.c_str() && *end == '\0' ? v : fallback;
}

// A count: -1 means until Ctrl-C; other negative numbers are mistakes.
const CLI::Validator kCount(
    [](std::string& s) {
      return number_or(s, 0) < -1 ? "'" + s + "' is not a count: give 0 or more, or -1 for until Ctrl-C" : std::string();
    },
    "-1|N");
const CLI::Validator kMilliseconds(
    [](std::string& s) {
      return number_or(s, 0) < 0 ? "'" + s + "' is not a number of milliseconds (0 or more)" : std::string();
    },
    "MS");

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"ESP-NOW on a virtual air: each invocation is one device.\n"
               "Devices on the same air (default: udp://239.255.0.1:47474, this host only) hear each other."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "espnow " ESPNOW_CLI_VERSION);
  GlobalOptions g;
  app.add_option("--air", g.air, "air URL: udp://GROUP:PORT[?iface=NAME&ttl=N] (default: $ESPNOW_AIR or the host-local air)");
  app.add_option("--radio", g.radio,
                 "radio: linux:IFACE (monitor mode), linux-test:IFACE (veth test transport), linux-replay:FILE, "
                 "or an air URL (default: $ESPNOW_RADIO, else the air)");
  app.add_option("--mac", g.mac, "this device's MAC (default: $ESPNOW_MAC or a random local one)");
  app.add_option("--channel", g.channel, "Wi-Fi channel, 1-14")->capture_default_str();
  app.add_option("--position", g.position, "position x,y in metres (RSSI follows distance)")->capture_default_str();
  app.add_option("--rate", g.rate, "PHY rate, a RATE_* value (0 = 1 Mbps)");
  app.add_flag("--json", g.json, "print one JSON object per line");
  app.add_flag("-v,--verbose", g.verbose, "print each dropped frame and why, as it happens (listen, echo)");
  app.add_option("--espnow-version", g.espnow_version,
                 "ESP-NOW protocol version: 1 (250-byte messages) or 2 (1470 bytes, as ESP-IDF >= 5.4); "
                 "default: $ESPNOW_VERSION, else 1")
      ->check(CLI::IsMember({1, 2}));
  app.add_option("--pmk", g.pmk, "the PMK: 32 hex digits or 16 characters (default: ESP-IDF's)");
  app.add_option("--lmk", g.lmks, "MAC=KEY: an encrypted peer and its LMK (repeat for each); capture -r decrypts with them");

  auto* listen = app.add_subcommand("listen", "print each message as it arrives");

  SendOptions so;
  auto* send = app.add_subcommand("send", "send a message to a device (exit status 1 if a unicast was not acknowledged)");
  send->add_option("MAC", so.mac, "destination (ff:ff:ff:ff:ff:ff for broadcast)")->required();
  send->add_option("MESSAGE", so.message, "the text to send; {n} is replaced by the send's number")->required();
  send->add_option("--count", so.count, "how many times (-1: until Ctrl-C)")->capture_default_str()->check(kCount);
  send->add_option("--interval", so.interval_ms, "milliseconds between sends")->capture_default_str()->check(kMilliseconds);
  send->add_flag("--no-sync", so.no_sync, "do not wait for each ACK (sync=False)");
  send->add_flag("--hex", so.hex, "MESSAGE is bytes in hex (0a1b2c; listen's hex:0a1b2c as it prints binary)");

  auto* echo = app.add_subcommand("echo", "send every message back to its sender");

  PingOptions po;
  auto* ping = app.add_subcommand("ping", "measure round trips to a device running `espnow echo`");
  ping->add_option("MAC", po.mac, "the echoing device")->required();
  ping->add_option("-c", po.count, "number of pings (default: until Ctrl-C)")->check(kCount);
  ping->add_option("-i", po.interval_ms, "milliseconds between pings")->capture_default_str()->check(kMilliseconds);
  ping->add_option("-s", po.size, "message size in bytes (8-250, 8-1470 with --espnow-version 2)")->capture_default_str();
  ping->add_option("-W", po.timeout_ms, "milliseconds to wait for each reply")->capture_default_str()->check(kMilliseconds);

  CaptureOptions co;
  auto* capture = app.add_subcommand("capture", "sniff the air into a pcap (-w), or print a capture (-r)");
  capture->add_option("-w", co.write, "write a radiotap pcap of the air");
  capture->add_option("-r", co.read, "read a pcap (radiotap or bare 802.11, FCS or not) and print its frames");
  capture->add_option("--count", co.count, "stop after this many frames");
  capture->add_option("--duration", co.duration_s, "with -w: stop after this many seconds");
  capture->add_option("--channel", co.channel, "only this channel (default: all)");
  capture->add_flag("--only-espnow", co.only_espnow,
                    "with -r: print ESP-NOW frames and ACKs only (beacons and other frames are counted in the summary)");

  auto* bridge = app.add_subcommand("bridge", "relay frames both ways between --radio linux:IFACE and the air (--air)");

  espnow::gateway::GatewayOptions gateway_options;
  auto* gateway = espnow::gateway::add_gateway_command(app, gateway_options);

  std::string sim_scenario;
  auto* sim = app.add_subcommand("sim", "run a scenario (JSON: nodes, traffic) on the discrete-event air; --json for one JSON object");
  sim->add_option("SCENARIO", sim_scenario, "the scenario file")->required();
  espnow::cli::SimOptions sim_options;
  sim->add_option("--pcap", sim_options.pcap, "write every frame on the air to this pcap file (radiotap + 802.11)");
  sim->add_option("--report", sim_options.report, "write a self-contained HTML page: topology by delivery ratio, channel busy time, per-node counters");

  DemoOptions demo_options;
  auto* demo = app.add_subcommand("demo", "the seeds' asyncio example on two in-process devices (as `make demo`)");
  long period_ms = 1000, duration_ms = 10000;
  demo->add_option("--period-ms", period_ms, "heartbeat period")->capture_default_str();
  demo->add_option("--duration-ms", duration_ms, "how long to run")->capture_default_str();

  for (CLI::App* sub : app.get_subcommands({})) sub->fallthrough();  // global options may follow the subcommand
  // CLI11's own usage errors read as this program's others (cli::usage_error).
  app.failure_message([](const CLI::App*, const CLI::Error& e) {
    return "espnow: " + std::string(e.what()) + "\nRun with --help for usage.\n";
  });
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // line by line, even into a pipe
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {  // --help, --version
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;  // usage errors exit 2
  }
  install_signal_handlers();
  if (*listen) return cmd_listen(g);
  if (*send) return cmd_send(g, so);
  if (*echo) return cmd_echo(g);
  if (*ping) return cmd_ping(g, po);
  if (*capture) return cmd_capture(g, co);
  if (*bridge) return cmd_bridge(g);
  if (*sim) return cmd_sim(sim_scenario, g.json, sim_options);
  if (*gateway) return espnow::gateway::cmd_gateway(g, gateway_options);
  if (*demo) {
    demo_options.period = std::chrono::milliseconds(period_ms);
    demo_options.duration = std::chrono::milliseconds(duration_ms);
    return run_echo_heartbeat_demo(demo_options);
  }
  return 2;
}
