// The Linux radio's receive path over a veth pair, against raw libpcap.
//
// The same radiotap + 802.11 bytes (a broadcast ESP-NOW frame carrying 250
// bytes) are injected on one end with pcap_inject. At the other end:
//  - baseline: pcap_next_ex on a plain handle;
//  - ours: the Linux radio in test mode (BPF filter, radiotap and FCS checks),
//    SoftLink's decode, and ESPNow's ring, drained by recvinto.
// Frames per second from the first injection to the last frame received, best
// of several interleaved trials. Needs root: the program moves into a network
// namespace of its own, so its veth pair vanishes with it.
#include <pcap/pcap.h>
#include <sched.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include "espnow/espnow.hpp"
#include "espnow/frame.hpp"
#include "espnow/linux_radio.hpp"
#include "espnow/radiotap.hpp"
#include "espnow/soft_link.hpp"
#include "harness.hpp"

using namespace espnow;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t kFrames = 5000;
// Frames in flight at most: a veth delivers through the kernel's backlog
// queue (netdev_max_backlog, 1000 by default) and drops beyond it.
constexpr std::size_t kWindow = 256;
constexpr int kTrials = 7;
const MacAddress kA{{0x02, 0, 0, 0, 0, 0x0a}}, kB{{0x02, 0, 0, 0, 0, 0x0b}};

std::vector<std::uint8_t> packet_of_250_bytes() {
  wire::RadiotapFields f;
  f.has_flags = true, f.flags = wire::kRadiotapFlagFcs;
  f.has_channel = true, f.channel_mhz = 2412, f.channel_flags = wire::kRadiotapChan2Ghz;
  std::vector<std::uint8_t> packet(wire::radiotap_size(f));
  wire::build_radiotap(f, packet);
  std::vector<std::uint8_t> frame(wire::kMaxFrameSize), msg(250, 0x5a);
  frame.resize(wire::encode({.dst = MacAddress::broadcast(), .src = kA, .sequence = 1, .random = 42}, msg, frame).size);
  packet.insert(packet.end(), frame.begin(), frame.end());
  return packet;
}

pcap_t* open_live(const char* iface) {
  char err[PCAP_ERRBUF_SIZE];
  pcap_t* p = pcap_create(iface, err);
  if (!p) return nullptr;
  pcap_set_immediate_mode(p, 1);
  pcap_set_snaplen(p, 4096);
  if (pcap_activate(p) < 0) return pcap_close(p), nullptr;
  return p;
}

// Injects kFrames, at most kWindow ahead of `receive`, which counts them on
// its own thread; frames/s.
template <class Receive>
double run(pcap_t* tx, const std::vector<std::uint8_t>& packet, Receive receive) {
  std::atomic<bool> started{false};
  std::atomic<std::size_t> received{0};
  Clock::time_point last{};
  std::size_t got = 0;
  std::thread rx([&] {
    started = true;
    got = receive(received, last);
  });
  while (!started) std::this_thread::yield();
  const auto t0 = Clock::now();
  for (std::size_t i = 0; i < kFrames; ++i) {
    while (i - std::min(i, received.load()) >= kWindow && Clock::now() - t0 < std::chrono::seconds(5))
      std::this_thread::yield();
    (void)pcap_inject(tx, packet.data(), packet.size());
  }
  rx.join();
  if (got < kFrames) std::fprintf(stderr, "lost %zu of %zu frames\n", kFrames - got, kFrames);
  return static_cast<double>(got) / std::chrono::duration<double>(last - t0).count();
}

std::size_t receive_raw(pcap_t* rx, std::size_t size, std::atomic<std::size_t>& got, Clock::time_point& last) {
  const auto deadline = Clock::now() + std::chrono::seconds(5);
  while (got < kFrames && Clock::now() < deadline) {
    pcap_pkthdr* h = nullptr;
    const u_char* data = nullptr;
    if (pcap_next_ex(rx, &h, &data) == 1 && h->caplen == size) ++got, last = Clock::now();  // not IPv6 chatter
  }
  return got;
}

std::size_t receive_stack(ESPNow& e, std::atomic<std::size_t>& got, Clock::time_point& last) {
  std::vector<std::uint8_t> buf(MAX_DATA_LEN);
  while (got < kFrames) {
    auto n = e.recvinto(buf, nullptr, 1000);
    if (!n || *n == 0) break;
    ++got, last = Clock::now();
  }
  return got;
}

bool private_veth_pair() {
  if (::geteuid() != 0 || ::unshare(CLONE_NEWNET) != 0) return false;
  return std::system("ip link add lba mtu 2304 type veth peer name lbb mtu 2304 && ip link set lba up && "
                     "ip link set lbb up") == 0;
}

}  // namespace

int main() {
  if (!private_veth_pair()) {
    std::fprintf(stderr, "bench_linux_radio: needs root (a network namespace and a veth pair); not measured\n");
    std::printf("BENCH {\"name\": \"linux_radio.veth_rx_250B\", \"value\": 0, \"unit\": \"frames/s\", \"baseline\": null, "
                "\"ratio\": null, \"target\": \"needs root\", \"met\": false}\n");
    return 0;
  }
  const auto packet = packet_of_250_bytes();
  pcap_t* tx = open_live("lba");
  pcap_t* raw = open_live("lbb");
  LinuxRadioOptions o;
  o.source = "lbb", o.mode = LinuxRadioMode::veth_test, o.mac = kB;
  LinuxRadio::Opened opened = LinuxRadio::open(o);
  if (!tx || !raw || !opened.radio) return std::fprintf(stderr, "cannot open the veth pair: %s\n", opened.error.c_str()), 1;
  SoftLink link(*opened.radio);
  ESPNow esp(link);
  (void)esp.config({.rxbuf = 1 << 20});
  (void)esp.active(true);
  double best_raw = 0, best_stack = 0;
  for (int trial = 0; trial < kTrials; ++trial) {
    // Each handle sees every frame: the idle one's backlog is dropped by
    // reading it empty before its own turn.
    best_raw = std::max(best_raw, run(tx, packet, [&](auto& got, auto& t) { return receive_raw(raw, packet.size(), got, t); }));
    while (*esp.any()) (void)esp.recv(0);
    best_stack = std::max(best_stack, run(tx, packet, [&](auto& got, auto& t) { return receive_stack(esp, got, t); }));
    pcap_pkthdr* h;
    const u_char* d;
    pcap_setnonblock(raw, 1, nullptr);
    while (pcap_next_ex(raw, &h, &d) == 1) {
    }
    pcap_setnonblock(raw, 0, nullptr);
  }
  bench::report_ratio("linux_radio.veth_rx_250B", best_stack, "frames/s", best_raw, 0.7);
  pcap_close(raw);
  pcap_close(tx);
  return 0;
}
