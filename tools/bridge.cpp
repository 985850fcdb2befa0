// bridge: one network of real ESP32s (heard through a Linux radio) and
// simulated devices (on the UDP air). Every ESP-NOW frame and every ACK heard
// on one side is sent on the other; host::CrossingMemory stops loops and
// duplicates.
#include <chrono>
#include <cstdio>
#include <thread>

#include "cli.hpp"
#include "espnow/wire/air_datagram.hpp"
#include "espnow/host/crossing_memory.hpp"

namespace espnow::cli {
namespace {

struct BridgeCounters {
  std::atomic<std::uint64_t> to_air{0}, to_radio{0}, acks_to_air{0}, acks_to_radio{0}, loops{0}, duplicates{0};
};

using host::CrossingMemory;
using host::Side;

// Decides whether `frame`, heard on `from`, goes to the other side.
bool should_cross(CrossingMemory& memory, BridgeCounters& c, std::span<const std::uint8_t> frame, Side from) {
  switch (memory.check(frame, from)) {
    case CrossingMemory::Verdict::loop: return ++c.loops, false;
    case CrossingMemory::Verdict::duplicate: return ++c.duplicates, false;
    case CrossingMemory::Verdict::not_espnow: return false;
    case CrossingMemory::Verdict::cross: return true;
  }
  return false;
}

bool is_ack(std::span<const std::uint8_t> frame) {
  MacAddress ra;
  return wire::parse_ack(frame, ra);
}

AirUrl air_url_or_exit(const GlobalOptions& g) {
  const Result<AirUrl> url = g.air.empty() ? air_url_from_environment() : parse_air_url(g.air);
  if (!url.ok()) std::fprintf(stderr, "espnow: --air: %s\n", std::string(url.detail()).c_str()), std::exit(2);
  return *url;
}

}  // namespace

int cmd_bridge(const GlobalOptions& g) {
  if (!g.radio.starts_with("linux"))
    return std::fprintf(stderr, "espnow: bridge: give the real radio with --radio linux:IFACE (or linux-test:IFACE)\n"), 2;
  const std::string url = air_url_or_exit(g).to_string();
  host::OpenedRadio radio = open_radio_or_exit(g, true);
  LinuxRadio& lr = *radio.linux_radio;
  auto opened_air = UdpAir::open(air_url_or_exit(g));
  if (!opened_air.ok())
    return std::fprintf(stderr, "espnow: cannot open the air %s: %s\n", url.c_str(), std::string(opened_air.detail()).c_str()), 1;
  UdpAir& air = **opened_air;
  // Said at once, not on the first relayed frame: until then a unicast from
  // the air to a real device's MAC (announced by no process) would fail fast.
  air.serve_as_bridge(lr.channel());
  CrossingMemory memory;
  BridgeCounters c;
  lr.set_monitor([&](const MonitoredFrame& m) {
    if (m.tx_report) return;  // our own injection, as the kernel reports it
    if (is_ack(m.frame)) return void(air.relay(m.frame, lr.channel(), m.rx_ctrl.rate) && ++c.acks_to_air);
    if (should_cross(memory, c, m.frame, Side::radio) && air.relay(m.frame, lr.channel(), m.rx_ctrl.rate)) ++c.to_air;
  });
  air.set_sniffer([&](const SniffedFrame& s) {
    if (s.own || s.channel != lr.channel()) return;  // our relays, or a channel the radio is not on
    if (is_ack(s.frame)) return void(!lr.inject(s.frame, s.rate) && ++c.acks_to_radio);
    if (should_cross(memory, c, s.frame, Side::air) && !lr.inject(s.frame, s.rate)) ++c.to_radio;
  });
  std::fprintf(stderr, "bridging %s and %s on channel %d (Ctrl-C to stop)\n", radio.description.c_str(), url.c_str(),
               g.channel);
  while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  air.set_sniffer({});
  lr.set_monitor({});
  std::fprintf(stderr, "--- bridged %llu frames to the air, %llu to the radio; ACKs %llu/%llu; dropped %llu loops, %llu duplicates\n",
               (unsigned long long)c.to_air, (unsigned long long)c.to_radio, (unsigned long long)c.acks_to_air,
               (unsigned long long)c.acks_to_radio, (unsigned long long)c.loops, (unsigned long long)c.duplicates);
  return 0;
}

}  // namespace espnow::cli
