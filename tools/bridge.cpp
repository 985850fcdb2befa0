// bridge: one network of real ESP32s (heard through a Linux radio) and
// virtual devices (on the UDP air). Every ESP-NOW frame and every ACK heard
// on one side is sent on the other, once.
#include <array>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <thread>

#include "cli.hpp"
#include "espnow/air_datagram.hpp"
#include "espnow/ccmp.hpp"
#include "espnow/frame.hpp"

namespace espnow::cli {
namespace {

enum class Side : std::uint8_t { radio, air };

// The frames that crossed recently, by source and random value (the packet
// number for an encrypted frame, whose random value is encrypted). A frame
// that comes back from the side it was sent to is a loop; one that comes
// again from the same side is a duplicate, unless it is a retry: its sender
// heard no ACK, and the receiver drops the repeat by its random value.
class CrossingMemory {
 public:
  enum class Verdict { cross, loop, duplicate };

  Verdict check(std::span<const std::uint8_t> frame, Side from) {
    Entry e{MacAddress::read(frame.data() + 10), identity(frame), from};
    const bool retry = (frame[1] & wire::kFlagRetry) != 0;
    std::lock_guard lk(mutex_);
    for (std::size_t i = 0; i < used_; ++i) {
      const Entry& seen = entries_[i];
      if (seen.src != e.src || seen.id != e.id) continue;
      if (seen.from != from) return Verdict::loop;
      return retry ? Verdict::cross : Verdict::duplicate;
    }
    entries_[next_] = e;
    next_ = (next_ + 1) % entries_.size();
    used_ = std::min(used_ + 1, entries_.size());
    return Verdict::cross;
  }

 private:
  struct Entry {
    MacAddress src;
    std::uint64_t id = 0;
    Side from = Side::radio;
  };
  static std::uint64_t identity(std::span<const std::uint8_t> frame) {
    std::uint64_t pn = 0;
    if (frame[1] & wire::kFlagProtected) return wire::read_pn(frame, pn) ? pn | 1ull << 63 : 0;
    std::uint64_t random = 0;
    for (std::size_t i = 28; i < 32; ++i) random = random << 8 | frame[i];
    return random;
  }
  std::mutex mutex_;
  std::array<Entry, 1024> entries_{};
  std::size_t next_ = 0, used_ = 0;
};

struct BridgeCounters {
  std::atomic<std::uint64_t> to_air{0}, to_radio{0}, acks_to_air{0}, acks_to_radio{0}, loops{0}, duplicates{0};
};

// Decides whether `frame`, heard on `from`, goes to the other side.
bool should_cross(CrossingMemory& memory, BridgeCounters& c, std::span<const std::uint8_t> frame, Side from) {
  if (frame.size() < wire::kHeaderLen + wire::kActionFixedLen + wire::kFcsLen) return false;
  switch (memory.check(frame, from)) {
    case CrossingMemory::Verdict::loop: return ++c.loops, false;
    case CrossingMemory::Verdict::duplicate: return ++c.duplicates, false;
    case CrossingMemory::Verdict::cross: return true;
  }
  return false;
}

bool is_ack(std::span<const std::uint8_t> frame) {
  MacAddress ra;
  return wire::parse_ack(frame, ra);
}

AirUrl air_url_or_exit(const GlobalOptions& g) {
  const AirUrlParse url = g.air.empty() ? air_url_from_environment() : parse_air_url(g.air);
  if (!url.ok()) std::fprintf(stderr, "espnow: --air: %s\n", url.error.c_str()), std::exit(2);
  return url.url;
}

}  // namespace

int cmd_bridge(const GlobalOptions& g) {
  if (!g.radio.starts_with("linux"))
    return std::fprintf(stderr, "espnow: bridge: give the real radio with --radio linux:IFACE (or linux-test:IFACE)\n"), 2;
  const std::string url = air_url_or_exit(g).to_string();
  host::OpenedRadio radio = open_radio_or_exit(g, true);
  LinuxRadio& lr = *radio.linux_radio;
  UdpAir::Opened air = UdpAir::open(air_url_or_exit(g));
  if (!air.air) return std::fprintf(stderr, "espnow: cannot open the air %s: %s\n", url.c_str(), air.error.c_str()), 1;
  CrossingMemory memory;
  BridgeCounters c;
  lr.set_monitor([&](const MonitoredFrame& m) {
    if (m.tx_report) return;  // our own injection, as the kernel reports it
    if (is_ack(m.frame)) return void(air.air->relay(m.frame, lr.channel(), m.info.rate) && ++c.acks_to_air);
    if (should_cross(memory, c, m.frame, Side::radio) && air.air->relay(m.frame, lr.channel(), m.info.rate)) ++c.to_air;
  });
  air.air->set_sniffer([&](const SniffedFrame& s) {
    if (s.own || s.channel != lr.channel()) return;  // our relays, or a channel the radio is not on
    if (is_ack(s.frame)) return void(!lr.inject(s.frame, s.rate) && ++c.acks_to_radio);
    if (should_cross(memory, c, s.frame, Side::air) && !lr.inject(s.frame, s.rate)) ++c.to_radio;
  });
  std::fprintf(stderr, "bridging %s and %s on channel %d (Ctrl-C to stop)\n", radio.description.c_str(), url.c_str(),
               g.channel);
  while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  air.air->set_sniffer({});
  lr.set_monitor({});
  std::fprintf(stderr, "--- bridged %llu frames to the air, %llu to the radio; ACKs %llu/%llu; dropped %llu loops, %llu duplicates\n",
               (unsigned long long)c.to_air, (unsigned long long)c.to_radio, (unsigned long long)c.acks_to_air,
               (unsigned long long)c.acks_to_radio, (unsigned long long)c.loops, (unsigned long long)c.duplicates);
  return 0;
}

}  // namespace espnow::cli
