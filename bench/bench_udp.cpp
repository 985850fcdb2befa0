// The UDP air between two processes (this one and a forked peer):
//  - throughput of 250-byte sync=False sends against raw UDP multicast
//    datagrams of the same size between the same two processes, 20,000
//    messages each (the stream once had 5,000 against the baseline's 20,000:
//    its start-up weighed four times as much);
//  - ping round trip (the median of each trial's pings: one descheduled
//    ping moved a mean of 1,000 by microseconds) against a raw UDP
//    ping-pong of the same size;
//  - how long a sync send to a MAC no process owns takes to report failure
//    (a chip: a few ms; the target: 20 ms, median of 20).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <thread>
#include <vector>

#include "espnow/radio/udp_air.hpp"
#include "espnow/devices/sim_devices.hpp"
#include "harness.hpp"

using namespace espnow;
using Steady = std::chrono::steady_clock;

namespace {

constexpr std::size_t kSize = 250;
constexpr MacAddress kParent{{2, 0, 0, 0, 0, 1}}, kChild{{2, 0, 0, 0, 0, 2}};

AirUrl private_air(int offset) {
  std::random_device rd;
  AirUrl u;
  u.group = "239.255.77." + std::to_string(1 + offset);
  u.port = static_cast<std::uint16_t>(30000 + rd() % 20000);
  return u;
}

// What a peer reports at the end: the stream messages it received and when
// it received the last one (steady clock: one clock for both processes), so
// both streams are timed from the first send to the last receipt.
struct PeerReport {
  std::uint64_t data = 0;
  std::int64_t last_ns = 0;
};

std::int64_t now_ns() { return std::chrono::duration_cast<std::chrono::nanoseconds>(Steady::now().time_since_epoch()).count(); }

// --- raw UDP multicast between the two processes -------------------------

int raw_socket(const AirUrl& u, bool join) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  const int one = 1, buf = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(u.port);
  inet_pton(AF_INET, u.group.c_str(), &a.sin_addr);
  in_addr lo{};
  inet_pton(AF_INET, "127.0.0.1", &lo);
  if (join) {
    bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ip_mreq m{a.sin_addr, lo};
    setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, sizeof m);
  }
  const unsigned char ttl = 0, loop = 1;
  setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &lo, sizeof lo);
  setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl);
  setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof loop);
  return fd;
}

void raw_send(int fd, const AirUrl& u, const std::uint8_t* p, std::size_t n) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(u.port);
  inet_pton(AF_INET, u.group.c_str(), &a.sin_addr);
  sendto(fd, p, n, 0, reinterpret_cast<sockaddr*>(&a), sizeof a);
}

// Each datagram's first byte says who sent it ('P' parent, 'C' child) and
// its second what it is ('D' data, 'E' echo me, 'Q' quit).
void raw_peer(const AirUrl& u, int report_fd) {
  const int fd = raw_socket(u, true);
  std::uint8_t buf[2048];
  PeerReport report;
  (void)!write(report_fd, "r", 1);
  for (;;) {
    const ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n < 2 || buf[0] != 'P') continue;
    if (buf[1] == 'D') ++report.data, report.last_ns = now_ns();
    if (buf[1] == 'E') buf[0] = 'C', raw_send(fd, u, buf, static_cast<std::size_t>(n));
    if (buf[1] == 'Q') break;
  }
  (void)!write(report_fd, &report, sizeof report);
  _exit(0);
}

// --- the same over ESP-NOW on the UDP air -------------------------------

void espnow_peer(const AirUrl& u, int report_fd) {
  auto opened = UdpAir::open(u);
  SimDevice d(**(*opened)->add_radio({.mac = kChild}), {});
  (void)d.espnow().config({.rxbuf = 1 << 22});
  (void)d.espnow().active(true);
  (void)d.espnow().add_peer(kParent);
  (void)!write(report_fd, "r", 1);
  PeerReport report;
  for (;;) {
    auto r = d.espnow().irecv(-1);
    if (!r.ok() || !r->mac) continue;
    if (r->msg[0] == 'D') ++report.data, report.last_ns = now_ns();
    if (r->msg[0] == 'E') (void)d.espnow().send(kParent, r->msg, true);
    if (r->msg[0] == 'Q') break;
  }
  (void)!write(report_fd, &report, sizeof report);
  _exit(0);
}

template <class Peer>
pid_t spawn(Peer peer, const AirUrl& u, int& read_fd) {
  int p[2];
  (void)!pipe(p);
  const pid_t pid = fork();
  if (pid == 0) {
    close(p[0]);
    peer(u, p[1]);
  }
  close(p[1]);
  char ready;
  (void)!read(p[0], &ready, 1);
  read_fd = p[0];
  return pid;
}

PeerReport finish(pid_t pid, int fd) {
  PeerReport r;
  (void)!read(fd, &r, sizeof r);
  close(fd);
  waitpid(pid, nullptr, 0);
  return r;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

double stream_rate(const PeerReport& r, std::int64_t t0_ns) { return double(r.data) / (double(r.last_ns - t0_ns) * 1e-9); }

struct Figures {
  double stream_rate, rtt_us;
};

Figures measure_raw(std::size_t n, std::size_t pings) {
  const AirUrl u = private_air(0);
  int rfd;
  const pid_t pid = spawn(raw_peer, u, rfd);
  const int fd = raw_socket(u, true);
  std::vector<std::uint8_t> msg(kSize, 'P');
  msg[1] = 'D';
  const std::int64_t t0 = now_ns();
  for (std::size_t i = 0; i < n; ++i) raw_send(fd, u, msg.data(), msg.size());
  msg[1] = 'Q';
  // Round trips first (the peer still runs), then the count.
  std::uint8_t buf[2048];
  std::vector<std::uint8_t> ping(kSize, 'P');
  ping[1] = 'E';
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the peer drains the flood (not timed)
  timeval tv{0, 200000};  // a lost ping is sent again after 200 ms
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  while (recv(fd, buf, sizeof buf, MSG_DONTWAIT) > 0) {  // the stream's own echoes of the flood
  }
  std::vector<double> rtts;
  for (std::size_t i = 0; i < pings; ++i) {
    const auto p0 = Steady::now();
    raw_send(fd, u, ping.data(), ping.size());
    for (;;) {
      const ssize_t got = recv(fd, buf, sizeof buf, 0);
      if (got < 0) raw_send(fd, u, ping.data(), ping.size());
      else if (buf[0] == 'C') break;
    }
    rtts.push_back(std::chrono::duration<double, std::micro>(Steady::now() - p0).count());
  }
  raw_send(fd, u, msg.data(), msg.size());
  const PeerReport got = finish(pid, rfd);
  close(fd);
  return {stream_rate(got, t0), median(rtts)};
}

Figures measure_espnow(std::size_t n, std::size_t pings) {
  const AirUrl u = private_air(1);
  int rfd;
  const pid_t pid = spawn(espnow_peer, u, rfd);
  auto opened = UdpAir::open(u);
  SimDevice d(**(*opened)->add_radio({.mac = kParent}), {});
  ESPNow& e = d.espnow();
  (void)e.active(true);
  (void)e.add_peer(kChild);
  std::vector<std::uint8_t> msg(kSize, 'D');
  const std::int64_t t0 = now_ns();
  for (std::size_t i = 0; i < n; ++i) (void)e.send(kChild, msg, false);
  while (!e.writable()) std::this_thread::sleep_for(std::chrono::microseconds(100));
  std::vector<std::uint8_t> ping(kSize, 'E');
  std::vector<double> rtts;
  for (std::size_t i = 0; i < pings; ++i) {
    const auto p0 = Steady::now();
    do (void)e.send(kChild, ping, true);
    while (!e.recv(200)->has_value());  // sent again if lost
    rtts.push_back(std::chrono::duration<double, std::micro>(Steady::now() - p0).count());
  }
  msg[0] = 'Q';
  (void)e.send(kChild, msg, true);
  const PeerReport got = finish(pid, rfd);
  return {stream_rate(got, t0), median(rtts)};
}

// Median milliseconds from send(sync=True) to its failure, for a MAC nobody
// on the air owns, once the air has settled (everyone has answered our hello).
double absent_failure_ms(int sends) {
  auto opened = UdpAir::open(private_air(2));
  while (!(*opened)->settled()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  SimDevice d(**(*opened)->add_radio({.mac = kParent}), {});
  ESPNow& e = d.espnow();
  (void)e.active(true);
  constexpr MacAddress kAbsent{{2, 0, 0, 0, 0, 0x99}};
  (void)e.add_peer(kAbsent);
  std::vector<double> ms;
  for (int i = 0; i < sends; ++i) {
    const auto t0 = Steady::now();
    const auto r = e.send(kAbsent, std::vector<std::uint8_t>(kSize, 'A'), true);
    ms.push_back(std::chrono::duration<double, std::milli>(Steady::now() - t0).count());
    if (!r.ok() || *r) std::fprintf(stderr, "bench_udp: a send to an absent MAC did not fail\n");
  }
  (void)e.active(false);
  return median(ms);
}

// Trials of both, each the raw one then ours: the host's other load comes
// and goes in spells longer than a trial, so a trial's two measurements share
// it, and the row is the trial whose ratio is the median.
constexpr int kTrials = 9;

struct Pair {
  double air, raw;
};

Pair median_ratio(std::vector<Pair> v) {
  std::sort(v.begin(), v.end(), [](const Pair& a, const Pair& b) { return a.air / a.raw < b.air / b.raw; });
  return v[v.size() / 2];
}

}  // namespace

// An optional argument: the number of trials (kTrials).
int main(int argc, char** argv) {
  const int trials = argc > 1 ? std::max(1, std::atoi(argv[1])) : kTrials;
  std::vector<Pair> streams, pings;
  for (int trial = 0; trial < trials; ++trial) {
    const Figures r = measure_raw(20000, 2000), a = measure_espnow(20000, 1000);
    streams.push_back({a.stream_rate, r.stream_rate});
    pings.push_back({a.rtt_us, r.rtt_us});
  }
  const Pair stream = median_ratio(streams), ping = median_ratio(pings);
  bench::report_ratio("udp.two_processes_send_async_250B", stream.air, "msgs/s", stream.raw, 0.7);
  bench::report_ratio("udp.ping_rtt_250B_us", ping.air, "us", ping.raw, 2.0, bench::Goal::at_most);
  bench::report_absolute("udp.absent_unicast_failure_ms", absent_failure_ms(20), "ms", 20.0, bench::Goal::at_most);
  return 0;
}
