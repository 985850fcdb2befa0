// listen, send, echo and ping.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <thread>
#include <vector>

#include "cli.hpp"
#include "gateway/base64.hpp"

namespace espnow::cli {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::int64_t kPollMs = 100;  // how often loops look at g_stop

bool ensure_peer(ESPNow& e, const MacAddress& mac) {
  if (e.get_peer(mac).ok()) return true;
  return e.add_peer(mac).ok();
}

void print_message(const GlobalOptions& g, const MacAddress& mac, const MessageView& meta,
                   std::span<const std::uint8_t> msg) {
  const bool text = is_text(msg);
  if (g.json)  // msg: the text, or its hex digits; encoding says which
    std::printf("{\"time\": %s, \"event\": \"message\", \"mac\": \"%s\", \"rssi\": %d, \"len\": %zu, "
                "\"msg\": %s, \"encoding\": \"%s\", \"hex\": \"%s\"}\n",
                json_string(timestamp()).c_str(), mac.to_text().c_str(), meta.rssi, msg.size(),
                json_string(text ? std::string(msg.begin(), msg.end()) : hex(msg)).c_str(), text ? "utf-8" : "hex",
                hex(msg).c_str());
  else
    std::printf("%s %s rssi=%d len=%zu %s\n", timestamp().c_str(), mac.to_text().c_str(), meta.rssi, msg.size(),
                printable(msg).c_str());
}

// Announces the device, then hands each message to `on_message`, and
// prints the drops as `drops` says, until Ctrl-C. Returns 0, or 1 after
// printing a receive error.
template <class OnMessage>
int serve_messages(const GlobalOptions& g, Device& d, const char* doing, DropLog& drops, OnMessage on_message) {
  std::fprintf(stderr, "%s as %s on %s, channel %d, ESP-NOW v%d (Ctrl-C to stop)\n", doing, d.mac().to_text().c_str(),
               d.where().c_str(), g.channel, protocol_version(g));
  std::vector<std::uint8_t> buf(MAX_DATA_LEN_V2);
  while (!g_stop) {
    MessageView meta;
    auto n = d.espnow().recvinto(buf, &meta, kPollMs);
    if (!n.ok()) return std::fprintf(stderr, "espnow: %s\n", n.failure().message().c_str()), 1;
    if (meta.mac) on_message(*meta.mac, meta, std::span<const std::uint8_t>(buf).first(*n));
    drops.print_new();
  }
  drops.print_new();
  return 0;
}

// "--- 3 messages received, 1 dropped" and why, per sender (stderr).
void print_receive_summary(const char* what, std::uint64_t n, const DropLog& drops) {
  std::fprintf(stderr, "--- %s %s, %llu dropped\n", plural(n, "message", "messages").c_str(), what,
               (unsigned long long)drops.total());
  drops.print_summary();
}

void print_radio_stats(const host::OpenedRadio& r) {
  if (r.air) {
    const UdpAirStats a = r.air->stats();
    std::fprintf(stderr, "--- air: %llu datagrams, %llu malformed, %llu of another version, %llu bad FCS\n",
                 (unsigned long long)a.datagrams_received, (unsigned long long)a.malformed,
                 (unsigned long long)a.wrong_version, (unsigned long long)a.bad_fcs);
  }
  if (r.linux_radio) {
    const LinuxRadioStats l = r.linux_radio->stats();
    std::fprintf(stderr, "--- radio: %llu packets, %llu malformed, %llu bad FCS, %llu delivered, %llu ACKs sent\n",
                 (unsigned long long)l.packets, (unsigned long long)l.malformed, (unsigned long long)l.bad_fcs,
                 (unsigned long long)l.delivered, (unsigned long long)l.acks_sent);
  }
}

// A message ESP-NOW cannot carry is a usage error, with the limit.
void check_message_size(const GlobalOptions& g, std::size_t size) {
  if (size > 0 && size <= max_message_len(g)) return;
  usage_error("send: the message is " + plural(size, "byte", "bytes") + "; ESP-NOW carries 1 to " +
              (protocol_version(g) == 2 ? "1470 bytes" : "250 bytes (1470 with --espnow-version 2)"));
}

// send --hex's MESSAGE: hex digits, after listen's "hex:" if it is there
// (so a line listen printed can be sent back as it is).
std::vector<std::uint8_t> hex_message(std::string_view text) {
  if (text.starts_with("hex:")) text.remove_prefix(4);
  auto decoded = gateway::hex_decode(text);
  if (!decoded || decoded->empty())
    usage_error("MESSAGE: with --hex, an even number of hex digits (0a1b2c), not '" + std::string(text) + "'");
  return std::move(*decoded);
}

}  // namespace

int cmd_listen(const GlobalOptions& g) {
  Device d = open_device(g);
  DropLog drops(g, d.espnow());
  std::uint64_t received = 0;
  const int rc = serve_messages(g, d, "listening", drops, [&](const MacAddress& mac, const MessageView& meta, auto msg) {
    ++received;
    print_message(g, mac, meta, msg);
  });
  if (rc) return rc;
  print_receive_summary("received", received, drops);
  print_radio_stats(d.opened);
  return 0;
}

int cmd_send(const GlobalOptions& g, const SendOptions& o) {
  const MacAddress to = parse_mac_arg("MAC", o.mac);
  Device d = open_device(g);
  ESPNow& e = d.espnow();
  if (!e.get_peer(to).ok())  // unless --lmk registered it already, as an encrypted peer
    if (auto r = e.add_peer(to); !r.ok())
      return std::fprintf(stderr, "espnow: add_peer: %s\n", r.failure().message().c_str()), 1;
  const std::vector<std::uint8_t> binary = o.hex ? hex_message(o.message) : std::vector<std::uint8_t>{};
  int sent = 0, acked = 0, failed = 0;
  for (int i = 0; (o.count < 0 || i < o.count) && !g_stop; ++i) {
    if (i > 0 && o.interval_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(o.interval_ms));
    std::string text = o.message;
    if (const auto at = text.find("{n}"); at != std::string::npos) text.replace(at, 3, std::to_string(i));
    const auto msg = o.hex ? binary : bytes(text);
    check_message_size(g, msg.size());
    auto r = e.send(to, msg, !o.no_sync);
    if (!r.ok()) return std::fprintf(stderr, "espnow: send: %s\n", r.failure().message().c_str()), 1;
    ++sent;
    (*r ? acked : failed) += 1;
    if (g.json) std::printf("{\"seq\": %d, \"mac\": \"%s\", \"len\": %zu, \"result\": %s}\n", i, to.to_text().c_str(),
                            msg.size(), *r ? "true" : "false");
    else std::printf("send %d to %s: %s\n", i, to.to_text().c_str(), *r ? "True" : "False");
  }
  if (to.is_multicast())  // no device acknowledges a group frame: True only says it went out
    return std::fprintf(stderr, "--- %s sent (broadcast: nothing acknowledges them)\n",
                        plural(sent, "message", "messages").c_str()), 0;
  if (o.no_sync) {  // the results come later: wait for them, briefly
    const auto deadline = Clock::now() + std::chrono::seconds(2);
    while (!e.writable() && Clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    const Stats s = e.stats();
    acked = static_cast<int>(s.tx_responses - s.tx_failures), failed = static_cast<int>(s.tx_failures);
  }
  std::fprintf(stderr, "--- %s sent, %d acknowledged, %d failed\n", plural(sent, "message", "messages").c_str(), acked,
               failed);
  return failed > 0 ? 1 : 0;  // a script's `espnow send ... || ...` sees an undelivered message
}

int cmd_echo(const GlobalOptions& g) {
  Device d = open_device(g);
  ESPNow& e = d.espnow();
  DropLog drops(g, e);
  std::uint64_t echoed = 0;
  const int rc = serve_messages(g, d, "echoing", drops, [&](const MacAddress& from, const MessageView& meta, auto msg) {
    if (!g.json) print_message(g, from, meta, msg);
    if (!ensure_peer(e, from)) return;  // peer table full: cannot answer
    if (e.send(from, msg, true).ok()) ++echoed;  // sent, acknowledged or not
  });
  if (rc) return rc;
  print_receive_summary("echoed", echoed, drops);
  return 0;
}

// ping: each probe carries "PING", its sequence number and padding; the
// echo server sends it back unchanged.
int cmd_ping(const GlobalOptions& g, const PingOptions& o) {
  const MacAddress to = parse_mac_arg("MAC", o.mac);
  if (o.size < 8 || o.size > static_cast<int>(max_message_len(g)))
    usage_error("-s: " + std::to_string(o.size) + " is not a size from 8 to " + std::to_string(max_message_len(g)));
  Device d = open_device(g);
  ESPNow& e = d.espnow();
  (void)e.add_peer(to);
  std::fprintf(stderr, "PING %s: %d data bytes\n", to.to_text().c_str(), o.size);
  std::vector<std::uint8_t> probe(static_cast<std::size_t>(o.size), 0x55), buf(MAX_DATA_LEN_V2);
  std::memcpy(probe.data(), "PING", 4);
  std::vector<double> rtts;
  int sent = 0, acknowledged = 0;
  const auto started = Clock::now();
  for (std::uint32_t seq = 0; (o.count < 0 || static_cast<int>(seq) < o.count) && !g_stop; ++seq) {
    if (seq > 0) {
      const auto next = started + std::chrono::milliseconds(o.interval_ms) * seq;
      while (Clock::now() < next && !g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      if (g_stop) break;
    }
    std::memcpy(probe.data() + 4, &seq, 4);
    while (*e.recv(0)) {  // stale replies of earlier probes
    }
    const auto t0 = Clock::now();
    auto r = e.send(to, probe, true);
    ++sent;
    if (!r.ok()) return std::fprintf(stderr, "espnow: send: %s\n", r.failure().message().c_str()), 1;
    bool answered = false;
    while (!answered && !g_stop) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(t0 + std::chrono::milliseconds(o.timeout_ms) - Clock::now());
      if (left.count() <= 0) break;
      MessageView meta;
      auto n = e.recvinto(buf, &meta, std::min<std::int64_t>(left.count(), kPollMs));
      if (!n.ok() || !meta.mac || *meta.mac != to || *n != probe.size() || std::memcmp(buf.data(), probe.data(), 8) != 0)
        continue;
      const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
      rtts.push_back(ms);
      answered = true;
      std::printf("%zu bytes from %s: seq=%u rssi=%d time=%.3f ms\n", *n, to.to_text().c_str(), seq, meta.rssi, ms);
    }
    if (*r) ++acknowledged;
    // Acknowledged but not echoed: the peer is there and is not an echo server.
    if (!answered && !g_stop)
      std::printf("Request timeout for seq=%u (%s)\n", seq, *r ? "acknowledged, no echo" : "no ACK");
  }
  const int received = static_cast<int>(rtts.size());
  const double loss = sent ? 100.0 * (sent - received) / sent : 0.0;
  std::fprintf(stderr, "--- %s espnow ping statistics ---\n", to.to_text().c_str());
  std::fprintf(stderr, "%d packets transmitted, %d received, %.1f%% packet loss\n", sent, received, loss);
  if (received) {
    double sum = 0, sq = 0, mn = rtts[0], mx = rtts[0];
    for (double t : rtts) sum += t, sq += t * t, mn = std::min(mn, t), mx = std::max(mx, t);
    const double avg = sum / received;
    std::fprintf(stderr, "rtt min/avg/max/mdev = %.3f/%.3f/%.3f/%.3f ms\n", mn, avg, mx,
                std::sqrt(std::max(0.0, sq / received - avg * avg)));
  } else if (sent > 0 && acknowledged == sent) {
    std::fprintf(stderr, "--- %s acknowledged every probe and echoed none: is it running `espnow echo`?\n",
                 to.to_text().c_str());
  }
  return received == 0 && sent > 0 ? 1 : 0;
}

}  // namespace espnow::cli
