// A seed sweep in the manner of deterministic simulation testing (issue 18
// part 6; docs/reliability.md): each seed builds a Simulation of devices
// whose programs (a tenth ESP-IDF firmware on emulated chips; of the rest
// two thirds on the sync API, one third coroutines on AIOESPNow) send
// numbered messages to their peers and to everyone, while a
// fault program draws its own faults from the seed (partitions, radios
// switched off, loss bursts, channel hops, clock drift, power cycles: the
// program starts again, its message numbers kept as in RTC memory).
// After each run the accounting must be exact:
//
// - nothing invented: every message received was sent by its source, to this
//   device or to everyone;
// - nothing twice: each (source, number) arrives at most once;
// - in order: a source's unicasts to one device arrive in the order sent;
// - nothing acknowledged is lost: a unicast whose sync send returned True was
//   received (receive buffers are large and drained, so none is dropped),
//   unless its receiver lost power after it was sent (a reset discards the
//   unread buffer).
//
// A failing seed prints the one command that replays it exactly.
//
//   espnow_sim_sweep [--seeds N] [--first S] [--devices D] [--seconds T] [--budget-s B] [--seed S]
//   espnow_sim_sweep --self-test    (the checker catches a duplicate, an invention, a loss)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include "espnow/async/timer.hpp"
#include "espnow/devices/async_device.hpp"
#include "espnow/devices/simulation.hpp"
#include "esp_log.h"
#include "esp_mac.h"
#include "esp_now.h"
#include "esp_wifi.h"
#include "espnow_emul_simulation.hpp"
#include "freertos/FreeRTOS.h"
#include "freertos/queue.h"
#include "freertos/task.h"

using namespace espnow;
using namespace std::chrono_literals;
using namespace asio::experimental::awaitable_operators;

namespace {

struct Options {
  std::uint64_t first = 1;
  int seeds = 50;
  int devices = 50;
  int seconds = 30;
  double budget_s = 1e9;
};

MacAddress mac_of(int i) { return MacAddress{{0x02, 0x5e, 0, 0, static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i)}}; }

// A message: its source's index and number, and whether it went to everyone.
struct Tag {
  int src;
  std::uint32_t seq;
  bool broadcast;
};
std::vector<std::uint8_t> encode(const Tag& t) {
  std::vector<std::uint8_t> m(9);
  std::memcpy(m.data(), &t.src, 4);
  std::memcpy(m.data() + 4, &t.seq, 4);
  m[8] = t.broadcast;
  return m;
}
bool decode(const std::vector<std::uint8_t>& m, Tag& t) {
  if (m.size() != 9) return false;
  std::memcpy(&t.src, m.data(), 4);
  std::memcpy(&t.seq, m.data() + 4, 4);
  t.broadcast = m[8] != 0;
  return true;
}

struct Sent {
  int to = -1;  // -1: everyone
  bool acked = false;
  std::chrono::nanoseconds at{};  // when the send began
};

struct DeviceLog {
  std::map<std::uint32_t, Sent> sent;  // by message number
  std::vector<Tag> received;
  std::uint32_t next_seq = 0;  // kept across power cycles, as in RTC memory
  std::vector<std::chrono::nanoseconds> power_offs;
};

// What a device does, drawn from the seed: three peers (and everyone), then
// a message every 100..900 ms to one of them or to everyone.
struct Traffic {
  std::mt19937_64 rng;
  std::vector<int> peers;

  Traffic(std::uint64_t seed, int me) : rng(seed * 1000003 + static_cast<std::uint64_t>(me)) {}
  bool add_peers(ESPNow& e, int me, int n) {
    if (!e.config({.rxbuf = 16384}).ok() || !e.active(true).ok()) return false;
    while (peers.size() < 3) {
      const int p = static_cast<int>(rng() % static_cast<std::uint64_t>(n));
      if (p != me && e.add_peer(mac_of(p)).ok()) peers.push_back(p);
    }
    return e.add_peer(MacAddress::broadcast()).ok();
  }
  std::chrono::milliseconds gap() { return std::chrono::milliseconds(100 + rng() % 800); }
  // The next message's receiver; -1: everyone.
  int target() { return rng() % 4 == 0 ? -1 : peers[rng() % peers.size()]; }
};

MacAddress address(int to) { return to < 0 ? MacAddress::broadcast() : mac_of(to); }

// Logs a message about to be sent (before: a power cycle may end the send); its number.
std::uint32_t log_send(DeviceLog& log, int to, std::chrono::nanoseconds now) {
  const std::uint32_t seq = log.next_seq++;
  log.sent[seq] = {to, false, now};
  return seq;
}

// A device on the sync API: sends as Traffic says; in between it drains what
// arrives. From `quiet` on it only drains, so that what was acknowledged has
// been read when the run ends.
Simulation::Program device_program(Simulation& sim, int me, int n, std::uint64_t seed, std::chrono::nanoseconds quiet,
                                   DeviceLog& log) {
  return [&sim, me, n, seed, quiet, &log](SimDevice& d) {
    Traffic traffic(seed, me);
    ESPNow& e = d.espnow();
    if (!traffic.add_peers(e, me, n)) return;
    auto drain_until = [&](std::chrono::nanoseconds until) {
      while (sim.now() < until) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - sim.now()).count();
        auto r = e.recv(std::max<std::int64_t>(1, left));
        Tag t;
        if (!r.ok()) d.clock().sleep_until(d.clock().now() + 10ms);  // its radio is off: recv refuses at once
        else if (r->has_value() && decode((*r)->msg, t)) log.received.push_back(t);
      }
    };
    for (;;) {
      drain_until(sim.now() + traffic.gap());
      while (sim.now() >= quiet) drain_until(sim.now() + 1s);
      const int to = traffic.target();
      const std::uint32_t seq = log_send(log, to, sim.now());
      const auto sent = e.send(address(to), encode({me, seq, to < 0}));
      log.sent[seq].acked = sent.ok() && *sent;
    }
  };
}

// The same device as a coroutine on AIOESPNow: receives race a timer
// (`arecv() || timer`), sends are asend(sync=True).
// GCC 12 at -O1 (the sanitizer builds) inlines Asio's frame allocator and
// warns that its operator delete does not match its operator new; they are
// Asio's own pair (awaitable_frame_base), as the test of counted allocations
// finds for its own pair.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
asio::awaitable<void> async_drain(Simulation& sim, AIOESPNow& e, DeviceLog& log, std::chrono::nanoseconds until) {
  const auto executor = co_await asio::this_coro::executor;
  while (sim.now() < until) {
    Timer limit(executor, until - sim.now());
    auto r = co_await (e.async_recv(asio::experimental::as_tuple(asio::use_awaitable)) ||
                       limit.async_wait(asio::experimental::as_tuple(asio::use_awaitable)));
    if (r.index() != 0) continue;
    const auto& [ec, m] = std::get<0>(r);
    Tag t;
    if (!ec && decode(m.msg, t)) log.received.push_back(t);
    if (ec) {  // its radio is off
      Timer pause(executor, 10ms);
      co_await pause.async_wait(asio::experimental::as_tuple(asio::use_awaitable));
    }
  }
}

asio::awaitable<void> async_device(AIOESPNow& e, Simulation& sim, int me, int n, std::uint64_t seed,
                                   std::chrono::nanoseconds quiet, DeviceLog& log) {
  Traffic traffic(seed, me);
  const bool ready = traffic.add_peers(e.espnow(), me, n);
  while (ready) {
    co_await async_drain(sim, e, log, sim.now() + traffic.gap());
    while (sim.now() >= quiet) co_await async_drain(sim, e, log, sim.now() + 1s);
    const int to = traffic.target();
    const std::uint32_t seq = log_send(log, to, sim.now());
    const auto [ec, acked] = co_await e.async_send(address(to), encode({me, seq, to < 0}), true,
                                                   asio::experimental::as_tuple(asio::use_awaitable));
    log.sent[seq].acked = !ec && acked;
  }
}
#pragma GCC diagnostic pop

AsyncProgram async_device_program(Simulation& sim, int me, int n, std::uint64_t seed, std::chrono::nanoseconds quiet,
                                  DeviceLog& log) {
  return [&sim, me, n, seed, quiet, &log](AIOESPNow& e) { return async_device(e, sim, me, n, seed, quiet, log); };
}

// The same device as ESP-IDF firmware on an emulated chip: esp_now_send,
// then the send callback's report (taken from a queue, as a sync send);
// receptions counted by the receive callback, on the chip's Wi-Fi task.
// Copies of one firmware share its globals: each finds its state by its MAC.
struct ChipRun {
  Simulation* sim = nullptr;
  int me = 0, n = 0;
  std::uint64_t seed = 0;
  std::chrono::nanoseconds quiet{};
  DeviceLog* log = nullptr;
  QueueHandle_t reports = nullptr;  // the send callback's statuses
};
std::map<int, ChipRun> g_chips;  // by device index, for the run under way

ChipRun& this_chip() {
  std::uint8_t mac[6];
  esp_read_mac(mac, ESP_MAC_WIFI_STA);
  return g_chips.at(mac[4] << 8 | mac[5]);
}

void chip_sent(const esp_now_send_info_t*, esp_now_send_status_t status) {
  const int ok = status == ESP_NOW_SEND_SUCCESS;
  xQueueSend(this_chip().reports, &ok, portMAX_DELAY);
}

void chip_received(const esp_now_recv_info_t*, const std::uint8_t* data, int len) {
  Tag t;
  if (len > 0 && decode(std::vector<std::uint8_t>(data, data + len), t)) this_chip().log->received.push_back(t);
}

void chip_add_peer(const MacAddress& mac) {
  esp_now_peer_info_t peer{};
  std::memcpy(peer.peer_addr, mac.bytes.data(), 6);
  peer.ifidx = WIFI_IF_STA;
  (void)esp_now_add_peer(&peer);
}

void chip_app_main() {
  ChipRun& c = this_chip();
  const wifi_init_config_t cfg = WIFI_INIT_CONFIG_DEFAULT();
  if (esp_wifi_init(&cfg) != ESP_OK || esp_wifi_set_mode(WIFI_MODE_STA) != ESP_OK || esp_wifi_start() != ESP_OK ||
      esp_now_init() != ESP_OK)
    return;
  c.reports = xQueueCreate(4, sizeof(int));
  esp_now_register_send_cb(chip_sent);
  esp_now_register_recv_cb(chip_received);
  Traffic traffic(c.seed, c.me);
  while (traffic.peers.size() < 3) {
    const int p = static_cast<int>(traffic.rng() % static_cast<std::uint64_t>(c.n));
    if (p == c.me || std::count(traffic.peers.begin(), traffic.peers.end(), p)) continue;
    chip_add_peer(mac_of(p));
    traffic.peers.push_back(p);
  }
  chip_add_peer(MacAddress::broadcast());
  for (;;) {
    vTaskDelay(pdMS_TO_TICKS(traffic.gap().count()));  // receptions come by callback meanwhile
    while (c.sim->now() >= c.quiet) vTaskDelay(pdMS_TO_TICKS(1000));
    const int to = traffic.target();
    const std::uint32_t seq = log_send(*c.log, to, c.sim->now());
    const auto message = encode({c.me, seq, to < 0});
    int ok = 0;
    if (esp_now_send(address(to).bytes.data(), message.data(), message.size()) == ESP_OK)
      xQueueReceive(c.reports, &ok, portMAX_DELAY);
    c.log->sent[seq].acked = ok != 0;
  }
}

// The last tenth of the devices are emulated chips.
int chip_count(const Options& o) { return std::max(1, o.devices / 10); }

// The faults: every 0.5..3 s one of a partition between two devices, a radio
// switched off, a loss burst on the whole air, a device hopping channel, a
// device's clock starting to drift (up to 200 ppm), a device power-cycled.
// Faults that act on a device (power, radio, channel, clock) pick one of the
// first `devices` (the simulation's devices); partitions any of the `n`.
Simulation::Program fault_program(Simulation& sim, int devices, int n, std::uint64_t seed,
                                  std::vector<DeviceLog>& logs, std::string& journal) {
  return [&sim, devices, n, seed, &logs, &journal](SimDevice&) {
    std::mt19937_64 rng(seed ^ 0xfa017);
    auto pick = [&](int among) { return static_cast<int>(rng() % static_cast<std::uint64_t>(among)); };
    for (;;) {
      sim.clock().sleep_until(sim.now() + std::chrono::milliseconds(500 + rng() % 2500));
      const auto length = std::chrono::milliseconds(500 + rng() % 3000);
      const int a = pick(devices), b = pick(n);
      AirRadio& ra = sim[static_cast<std::size_t>(a)].radio();
      switch (rng() % 6) {
        case 5: {
          const double ppm = static_cast<double>(static_cast<int>(rng() % 401) - 200);
          journal += "clock drift " + std::to_string(a) + " " + std::to_string(static_cast<int>(ppm)) + " ppm; ";
          sim.set_clock_drift(static_cast<std::size_t>(a), ppm);  // a crystal's error: it stays
          break;
        }
        case 4:
          journal += "power cycle " + std::to_string(a) + "; ";
          logs[static_cast<std::size_t>(a)].power_offs.push_back(sim.now());
          sim.power_cycle(static_cast<std::size_t>(a), sim.now(), length);
          break;
        case 0:
          journal += "partition " + std::to_string(a) + "-" + std::to_string(b) + "; ";
          sim.air().set_link_loss(mac_of(a), mac_of(b), 1.0);
          sim.clock().sleep_until(sim.now() + length);
          sim.air().set_link_loss(mac_of(a), mac_of(b), sim.air().options().loss);
          break;
        case 1:
          journal += "radio off " + std::to_string(a) + "; ";
          ra.set_active(Interface::sta, false);
          sim.clock().sleep_until(sim.now() + length);
          ra.set_active(Interface::sta, true);
          break;
        case 2:
          journal += "loss burst; ";
          sim.air().set_loss(0.5);
          sim.clock().sleep_until(sim.now() + length);
          sim.air().set_loss(sim.air().options().loss);
          break;
        default:
          journal += "channel hop " + std::to_string(a) + "; ";
          (void)ra.set_channel(6);
          sim.clock().sleep_until(sim.now() + length);
          (void)ra.set_channel(1);
          break;
      }
    }
  };
}

// The accounting, exact: an empty string when it holds.
std::string check(const std::vector<DeviceLog>& logs) {
  const int n = static_cast<int>(logs.size());
  for (int r = 0; r < n; ++r) {
    std::set<std::pair<int, std::uint32_t>> seen;
    std::map<int, std::uint32_t> last_unicast;
    for (const Tag& t : logs[static_cast<std::size_t>(r)].received) {
      const std::string at = "device " + std::to_string(r) + " got " + std::to_string(t.src) + "#" + std::to_string(t.seq);
      if (t.src < 0 || t.src >= n) return at + " from nobody";
      const auto& sent = logs[static_cast<std::size_t>(t.src)].sent;
      const auto s = sent.find(t.seq);
      if (s == sent.end() || s->second.to != (t.broadcast ? -1 : r)) return at + ", which was never sent to it";
      if (!seen.insert({t.src, t.seq}).second) return at + " twice";
      if (!t.broadcast) {
        const auto prev = last_unicast.find(t.src);
        if (prev != last_unicast.end() && prev->second >= t.seq) return at + " after #" + std::to_string(prev->second);
        last_unicast[t.src] = t.seq;
      }
    }
    // An acknowledged message may be lost only in the buffer of a receiver
    // that lost power after it came (a power cycle discards what is unread).
    const auto& offs = logs[static_cast<std::size_t>(r)].power_offs;
    for (int s = 0; s < n; ++s)
      for (const auto& [seq, what] : logs[static_cast<std::size_t>(s)].sent)
        if (what.to == r && what.acked && !seen.count({s, seq}) &&
            std::none_of(offs.begin(), offs.end(), [&](auto off) { return off >= what.at; }))
          return "device " + std::to_string(s) + "'s #" + std::to_string(seq) + " to " + std::to_string(r) +
                 " was acknowledged but never received";
  }
  return {};
}

struct Outcome {
  std::string failure;
  std::uint64_t sent = 0, acked = 0, received = 0;
  std::string faults;
};

// Runs one seed; every device's log, and the faults drawn.
std::vector<DeviceLog> run_logs(std::uint64_t seed, const Options& o, std::string* faults = nullptr) {
  std::mt19937_64 draw(seed);
  const double loss = 0.05 * static_cast<double>(draw() % 5);  // 0 .. 20%
  const double side = 20.0 + static_cast<double>(draw() % 200);  // metres: from one cell to hidden stations
  const int chips = chip_count(o);
  const int plain = o.devices - chips;
  std::vector<DeviceLog> logs(static_cast<std::size_t>(o.devices));
  std::string journal;
  g_chips.clear();
  {
    Simulation sim({.seed = seed, .loss = loss});
    const auto quiet = std::chrono::seconds(o.seconds) - 2s;
    for (int i = 0; i < o.devices; ++i) {
      const Position pos{static_cast<double>(draw() % 1000) / 1000.0 * side,
                         static_cast<double>(draw() % 1000) / 1000.0 * side};
      DeviceLog& log = logs[static_cast<std::size_t>(i)];
      if (i >= plain) {
        g_chips[i] = {&sim, i, o.devices, seed, quiet, &log};
        (void)emul::add_chip(sim, {.radio = {.mac = mac_of(i), .position = pos}}, chip_app_main);
      } else if (i % 3 == 1) {  // a third of the others are coroutines
        (void)add_async_device(sim, {.mac = mac_of(i), .position = pos},
                               async_device_program(sim, i, o.devices, seed, quiet, log));
      } else {
        (void)sim.add_device({.mac = mac_of(i), .position = pos}, device_program(sim, i, o.devices, seed, quiet, log));
      }
      if (i == plain - 1)  // device index `plain` in the simulation, after the sync and async devices
        (void)sim.add_device({.mac = mac_of(o.devices), .sta_active = false},
                             fault_program(sim, plain, o.devices, seed, logs, journal));
    }
    sim.run_for(std::chrono::seconds(o.seconds));
  }
  for (auto& [i, chip] : g_chips)
    if (chip.reports) vQueueDelete(chip.reports);
  if (faults) *faults = journal;
  return logs;
}

Outcome run_seed(std::uint64_t seed, const Options& o) {
  Outcome out;
  const std::vector<DeviceLog> logs = run_logs(seed, o, &out.faults);
  for (const DeviceLog& l : logs) {
    out.sent += l.sent.size();
    for (const auto& [seq, what] : l.sent) out.acked += what.acked;
    out.received += l.received.size();
  }
  out.failure = check(logs);
  // Every kind of device took part: the chips (never power-cycled) sent and heard.
  for (std::size_t i = logs.size() - static_cast<std::size_t>(chip_count(o)); i < logs.size() && out.failure.empty(); ++i)
    if (logs[i].sent.empty() || logs[i].received.empty())
      out.failure = "chip " + std::to_string(i) + " sent " + std::to_string(logs[i].sent.size()) + " and received " +
                    std::to_string(logs[i].received.size());
  return out;
}

// The checker finds what it is for: one seed's logs, corrupted three ways
// (a message received twice, one never sent, an acknowledged one lost).
int self_test(Options o) {
  o.devices = 8;
  o.seconds = 10;
  const std::vector<DeviceLog> clean = run_logs(1, o);
  if (const std::string f = check(clean); !f.empty()) return std::printf("self-test: the clean run fails: %s\n", f.c_str()), 1;
  // An acknowledged unicast, and who received it.
  std::size_t from = 0, to = 0;
  std::uint32_t seq = 0;
  for (std::size_t s = 0; s < clean.size() && !to; ++s)
    for (const auto& [n, what] : clean[s].sent)
      if (what.to >= 0 && what.acked) {
        from = s, to = static_cast<std::size_t>(what.to), seq = n;
        break;
      }
  if (!to && !from) return std::printf("self-test: no acknowledged unicast to corrupt\n"), 1;
  auto twice = clean, invented = clean, lost = clean;
  twice[to].received.push_back(twice[to].received.front());
  invented[to].received.push_back({static_cast<int>(from), 999999, true});
  std::erase_if(lost[to].received, [&](const Tag& t) { return t.src == static_cast<int>(from) && t.seq == seq; });
  const int caught = !check(twice).empty() + !check(invented).empty() + !check(lost).empty();
  std::printf("self-test: %d of 3 corruptions caught\n", caught);
  return caught == 3 ? 0 : 1;
}

int parse(int argc, char** argv, Options& o) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const char* v = argv[i + 1];
    if (!std::strcmp(argv[i], "--seeds")) o.seeds = std::atoi(v);
    else if (!std::strcmp(argv[i], "--first")) o.first = std::strtoull(v, nullptr, 10);
    else if (!std::strcmp(argv[i], "--seed")) o.first = std::strtoull(v, nullptr, 10), o.seeds = 1;
    else if (!std::strcmp(argv[i], "--devices")) o.devices = std::atoi(v);
    else if (!std::strcmp(argv[i], "--seconds")) o.seconds = std::atoi(v);
    else if (!std::strcmp(argv[i], "--budget-s")) o.budget_s = std::atof(v);
    else return std::fprintf(stderr, "espnow_sim_sweep: unknown option %s\n", argv[i]), 2;
  }
  if (argc % 2 == 0) return std::fprintf(stderr, "espnow_sim_sweep: %s needs a value\n", argv[argc - 1]), 2;
  if (o.seeds < 1 || o.devices < 4 || o.devices > 250 || o.seconds < 3)
    return std::fprintf(stderr, "espnow_sim_sweep: --seeds >= 1, --devices 4..250, --seconds >= 3\n"), 2;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  esp_log_level_set("*", ESP_LOG_WARN);  // the chips' boot lines
  Options o;
  if (argc == 2 && !std::strcmp(argv[1], "--self-test")) return self_test(o);
  if (const int rc = parse(argc, argv, o)) return rc;
  const auto t0 = std::chrono::steady_clock::now();
  int run = 0, failed = 0;
  for (std::uint64_t seed = o.first; seed < o.first + static_cast<std::uint64_t>(o.seeds); ++seed) {
    if (std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() > o.budget_s) break;
    const Outcome r = run_seed(seed, o);
    ++run;
    if (r.failure.empty()) {
      std::printf("seed %llu: ok (%llu sent, %llu acknowledged, %llu received)\n", static_cast<unsigned long long>(seed),
                  static_cast<unsigned long long>(r.sent), static_cast<unsigned long long>(r.acked),
                  static_cast<unsigned long long>(r.received));
      continue;
    }
    ++failed;
    std::printf("seed %llu: FAILED: %s\n  faults: %s\n  replay: %s --seed %llu --devices %d --seconds %d\n",
                static_cast<unsigned long long>(seed), r.failure.c_str(), r.faults.c_str(), argv[0],
                static_cast<unsigned long long>(seed), o.devices, o.seconds);
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("%d seeds run, %d failed, %.1f s of wall time\n", run, failed, wall);
  return failed ? 1 : 0;
}
