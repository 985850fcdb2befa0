// The seeds' aioespnow example (an echo server plus a heartbeat), ported to
// C++20 coroutines, with two devices on the in-process simulated air.
//
// Device aa:aa:aa:aa:aa:aa runs the seeds' program unchanged in substance.
// The seeds address its peer as bb:bb:bb:bb:bb:bb, but 0xbb has the group
// bit set: that is a multicast address, which no radio ever ACKs and no
// device can own (SPEC §1). So the second device is the unicast
// ba:bb:bb:bb:bb:bb.
//
// Midway, the second device's radio goes quiet for a few heartbeats, so the
// heartbeat reports "peer not responding", then recovers.
//
// It is a library function so that `make demo` (examples/echo_heartbeat_main.cpp)
// and `espnow demo` run the very same program.
#include "echo_heartbeat.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>

#include "espnow/devices/sim_devices.hpp"
#include "seed_tasks.hpp"

using namespace espnow;
using namespace espnow::literals;
using asio::awaitable;
using asio::use_awaitable;
using Ms = std::chrono::milliseconds;
using namespace espnow::seed_tasks;

namespace {

constexpr MacAddress kDeviceA = "aa:aa:aa:aa:aa:aa"_mac;
constexpr MacAddress kDeviceB = "ba:bb:bb:bb:bb:bb"_mac;

// The second device answers each "ping" with "pong" and ignores everything
// else. The first device's echo server then echoes the "pong" back, which
// this one drops: a faithful echo on both sides would ping-pong forever.
awaitable<void> answerer(AIOESPNow& e) {
  for (;;) {
    auto [mac, msg] = co_await e.anext();
    if (std::string_view(reinterpret_cast<const char*>(msg.data()), msg.size()) != "ping") continue;
    const MacAddress to = *mac;
    if (!e->get_peer(to).ok()) (void)e->add_peer(to);
    co_await e.async_send(to, bytes("pong"), true, use_awaitable);
  }
}

awaitable<void> outage(AirRadio& radio, Ms at, Ms length) {
  co_await sleep_for(at);
  std::printf("-- %s: radio off --\n", radio.mac(Interface::sta).to_text().c_str());
  radio.set_active(Interface::sta, false);
  co_await sleep_for(length);
  radio.set_active(Interface::sta, true);
  std::printf("-- %s: radio on --\n", radio.mac(Interface::sta).to_text().c_str());
}

void print_stats(const char* name, const ESPNow& e) {
  const Stats s = e.stats();
  std::printf("%s stats(): tx_pkts=%llu tx_responses=%llu tx_failures=%llu rx_packets=%llu rx_dropped=%llu\n", name,
              (unsigned long long)s.tx_pkts, (unsigned long long)s.tx_responses, (unsigned long long)s.tx_failures,
              (unsigned long long)s.rx_packets, (unsigned long long)s.rx_dropped);
}

}  // namespace

int run_echo_heartbeat_demo(const DemoOptions& options) {
  const Ms period = options.period;
  const Ms duration = options.duration;
  const Ms outage_at = options.outage_at.value_or(Ms(duration.count() * 35 / 100));
  const Ms outage_len = options.outage_length.value_or(period * 3);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);

  SimDevices air;
  SimDevice& a = *air.add_device({.mac = kDeviceA}).value();
  SimDevice& b = *air.add_device({.mac = kDeviceB}).value();
  asio::io_context io;

  // network.WLAN(network.WLAN.IF_STA).active(True): the STA interfaces are up.
  AIOESPNow e(a.espnow(), io.get_executor());  // e = aioespnow.AIOESPNow()
  (void)e->active(true);
  const MacAddress peer = kDeviceB;  // the seeds' b'\xbb'*6 is a group address; see above
  (void)e->add_peer(peer);

  AIOESPNow other(b.espnow(), io.get_executor());
  (void)other->active(true);

  // async def main(e, peer, timeout, period)
  asio::co_spawn(io, heartbeat(e, peer, period), asio::detached);
  asio::co_spawn(io, echo_server(e), asio::detached);
  asio::co_spawn(io, answerer(other), asio::detached);
  asio::co_spawn(io, outage(b.radio(), outage_at, outage_len), asio::detached);
  asio::steady_timer stop(io, duration);  // await asyncio.sleep(timeout)
  stop.async_wait([&](std::error_code) { io.stop(); });
  io.run();

  print_stats("aa:aa:aa:aa:aa:aa", a.espnow());
  print_stats("ba:bb:bb:bb:bb:bb", b.espnow());
  return 0;
}
