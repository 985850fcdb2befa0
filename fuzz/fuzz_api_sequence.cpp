// The input drives a sequence of ESPNow calls across three devices on an
// in-process air: activation, config, peers, sends and receives of every form,
// channel, interface and loss changes. After every step the invariants hold:
// peer counts within limits and matching get_peers(); the ring within its
// size; stats() monotonic and balanced; rx_packets + rx_dropped equal to the
// frames the link accepted.
#include <array>
#include <vector>

#include "espnow/devices/sim_devices.hpp"
#include "fuzz_check.hpp"

using namespace espnow;

namespace {

struct Input {
  const std::uint8_t* p;
  std::size_t n;
  bool empty() const { return n == 0; }
  std::uint8_t byte() { return n ? (--n, *p++) : 0; }
  std::uint16_t word() { return static_cast<std::uint16_t>(byte() | byte() << 8); }
};

constexpr int kDevices = 3;

MacAddress device_mac(int i) { return MacAddress{{0x02, 0, 0, 0, 0, static_cast<std::uint8_t>(0x10 + i)}}; }

MacAddress pick_mac(Input& in) {
  switch (in.byte() % 6) {
    case 0: case 1: case 2: return device_mac(in.byte() % kDevices);
    case 3: return MacAddress::broadcast();
    case 4: return MacAddress{{0xbb, 0xbb, 0xbb, 0xbb, 0xbb, 0xbb}};  // a group address
    default: return MacAddress{{0x02, 0, 0, 0, 1, in.byte()}};        // nobody's
  }
}

PeerOptions pick_options(Input& in, std::array<std::uint8_t, 17>& key) {
  PeerOptions o;
  const std::uint8_t flags = in.byte();
  if (flags & 1) o.lmk = std::span<const std::uint8_t>(key).first(flags & 2 ? 16 : (flags & 4 ? 0 : 15));
  if (flags & 8) o.channel = in.byte() % 17 - 1;
  if (flags & 16) o.ifidx = in.byte() % 3;
  if (flags & 32) o.encrypt = (flags & 64) != 0;
  return o;
}

struct Model {
  SimDevices air{AirOptions{.seed = 5}};
  std::array<SimDevice*, kDevices> dev{};
  std::array<std::size_t, kDevices> capacity{};  // ring size at the last activation
  std::array<Stats, kDevices> last{};
  std::array<std::uint8_t, 17> key{};
  std::vector<std::uint8_t> payload = std::vector<std::uint8_t>(1500, 0x5a);
  std::array<std::uint8_t, 1500> buf{};

  Model() {
    // Fixed seeds: each input replays the same way (and skips random_device,
    // which cost an eighth of the run).
    for (int i = 0; i < kDevices; ++i)
      dev[i] = *air.add_device({.mac = device_mac(i)}, {.seed = static_cast<std::uint64_t>(i + 1)});
  }

  void step(Input& in) {
    const int d = in.byte() % kDevices;
    ESPNow& e = dev[d]->espnow();
    switch (in.byte() % 16) {
      case 0: {
        const bool was = e.active(), on = in.byte() & 1;
        (void)e.active(on);
        if (on && !was) capacity[d] = static_cast<std::size_t>(*e.config("rxbuf"));
        break;
      }
      case 1: (void)e.config({.rxbuf = in.word() % 3000 - 10, .timeout_ms = in.byte() - 100}); break;
      case 2: (void)e.config({.version = in.byte() % 4}); break;
      case 3: (void)e.add_peer(pick_mac(in), pick_options(in, key)); break;
      case 4: (void)e.mod_peer(pick_mac(in), pick_options(in, key)); break;
      case 5: (void)e.del_peer(pick_mac(in)); break;
      case 6: {
        const MacAddress to = pick_mac(in);
        (void)e.send(to, std::span(payload).first(in.word() % 1500), in.byte() & 1);
        break;
      }
      case 7: (void)e.send_to_all(std::span(payload).first(in.byte() + 1), in.byte() & 1); break;
      case 8: (void)e.recv(0); break;
      case 9: (void)e.irecv(0); break;
      case 10: {
        MessageView meta;
        (void)e.recvinto(std::span(buf).first(in.byte() * 6u), in.byte() & 1 ? &meta : nullptr, 0);
        break;
      }
      case 11: (void)dev[d]->radio().set_channel(static_cast<std::uint8_t>(in.byte() % 16)); break;
      case 12: dev[d]->radio().set_active(in.byte() & 1 ? Interface::ap : Interface::sta, in.byte() & 1); break;
      case 13: air.air().set_loss(in.byte() / 255.0); break;
      case 14: (void)e.set_pmk(std::span(key).first(in.byte() & 1 ? 16 : 15)); break;
      default: (void)e.get_peer(pick_mac(in)), (void)e.any(), (void)e.peers_table(); break;
    }
  }

  void check() {
    for (int i = 0; i < kDevices; ++i) {
      ESPNow& e = dev[i]->espnow();
      if (e.active()) {
        const PeerCount n = *e.peer_count();
        FUZZ_CHECK(n.total >= 0 && n.total <= MAX_TOTAL_PEER_NUM);
        FUZZ_CHECK(n.encrypted >= 0 && n.encrypted <= MAX_ENCRYPT_PEER_NUM && n.encrypted <= n.total);
        FUZZ_CHECK(static_cast<int>(e.get_peers()->size()) == n.total);
        FUZZ_CHECK(e.rx_bytes_used() <= capacity[i]);
      }
      const Stats s = e.stats();
      FUZZ_CHECK(s.tx_pkts >= last[i].tx_pkts && s.tx_responses >= last[i].tx_responses);
      FUZZ_CHECK(s.tx_failures >= last[i].tx_failures && s.rx_packets >= last[i].rx_packets);
      FUZZ_CHECK(s.rx_dropped >= last[i].rx_dropped);
      FUZZ_CHECK(s.tx_responses == s.tx_pkts);  // immediate delivery: every report is in
      FUZZ_CHECK(s.tx_failures <= s.tx_responses);
      FUZZ_CHECK(s.rx_packets + s.rx_dropped == e.link_stats().rx_frames);
      last[i] = s;
    }
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Model m;
  Input in{data, size};
  for (int steps = 0; !in.empty() && steps < 200; ++steps) {
    m.step(in);
    m.check();
  }
  return 0;
}
