// capture -w FILE: a passive sniffer of the air, writing radiotap pcaps.
// capture -r FILE: prints the frames of a capture, decoded.
#include <chrono>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

#include "cli.hpp"
#include "espnow/air_datagram.hpp"
#include "espnow/ccmp.hpp"
#include "espnow/frame.hpp"
#include "espnow/host/pcap_file.hpp"
#include "espnow/radiotap.hpp"

namespace espnow::cli {
namespace {

std::vector<std::uint8_t> radiotap_packet(std::span<const std::uint8_t> frame, std::uint8_t channel, PhyRate rate,
                                          int rssi) {
  const RateInfo& info = rate_info(rate);
  wire::RadiotapFields f;
  f.has_flags = true, f.flags = wire::kRadiotapFlagFcs;
  f.has_rate = true, f.rate_500kbps = static_cast<std::uint8_t>(info.kbps / 500);
  f.has_channel = true, f.channel_mhz = channel_to_mhz(channel);
  f.channel_flags = static_cast<std::uint16_t>(
      wire::kRadiotapChan2Ghz | (info.modulation == Modulation::ofdm ? wire::kRadiotapChanOfdm : wire::kRadiotapChanCck));
  f.has_signal = true, f.signal_dbm = static_cast<std::int8_t>(rssi);
  std::vector<std::uint8_t> packet(wire::radiotap_size(f));
  wire::build_radiotap(f, packet);
  packet.insert(packet.end(), frame.begin(), frame.end());
  return packet;
}

// Keys for decrypting a capture: the temporal key of each peer given with --lmk.
struct Keyring {
  std::vector<std::pair<MacAddress, wire::Key128>> keys;
  const wire::Key128* find(const MacAddress& src, const MacAddress& dst) const {
    for (const auto& [mac, tk] : keys)
      if (mac == src || mac == dst) return &tk;  // the LMK is shared by the pair
    return nullptr;
  }
};

std::string describe(std::span<const std::uint8_t> frame, const Keyring& keys) {
  MacAddress ra;
  if (wire::parse_ack(frame, ra)) return "ACK -> " + std::string(ra.to_text().view());
  std::vector<std::uint8_t> storage(wire::kMaxMessageV2), plain(wire::kMaxFrameSize);
  auto d = wire::decode(frame, wire::Fcs::present, storage);
  if (!d.ok()) return "802.11 frame, not ESP-NOW (" + std::string(wire::to_string(d.error)) + ")";
  std::string s = std::string(d.frame.header.src.to_text().view()) + " -> " +
                  std::string(d.frame.header.dst.to_text().view());
  std::string note;
  if (d.frame.encrypted) {
    const wire::Key128* tk = keys.find(d.frame.header.src, d.frame.header.dst);
    if (!tk) return s + "  ESP-NOW (encrypted, no key) seq=" + std::to_string(d.frame.header.sequence);
    wire::CcmpCipher cipher(*tk);
    const auto r = cipher.unprotect(frame, plain);
    if (!r.ok()) return s + "  ESP-NOW (encrypted) " + std::string(wire::to_string(r.error)) + " pn=" + std::to_string(r.pn);
    d = wire::decode(std::span(plain).first(r.size), wire::Fcs::absent, storage);
    if (!d.ok()) return s + "  ESP-NOW (decrypted, " + std::string(wire::to_string(d.error)) + ")";
    note = " (decrypted, pn=" + std::to_string(r.pn) + ")";
  }
  const auto& f = d.frame;
  s += "  ESP-NOW v" + std::to_string(f.version) + note;
  s += " seq=" + std::to_string(f.header.sequence) + (f.header.retry() ? " retry" : "");
  return s + " len=" + std::to_string(f.message.size()) + " " + printable(f.message);
}

Keyring keyring(const GlobalOptions& g) {
  const auto pmk = pmk_option(g);
  Keyring k;
  for (const PeerKey& p : lmk_options(g)) k.keys.emplace_back(p.mac, wire::temporal_key(pmk, p.lmk));
  return k;
}

int read_capture(const std::string& path, const Keyring& keys) {
  host::PcapReader reader(path);
  if (!reader.ok()) return std::fprintf(stderr, "espnow: %s\n", reader.error().c_str()), 1;
  if (reader.link_type() != host::kLinkTypeRadiotap)
    return std::fprintf(stderr, "espnow: %s: link type %d, expected 127 (radiotap)\n", path.c_str(), reader.link_type()), 1;
  host::CapturedPacket p;
  long n = 0;
  std::int64_t first = -1;
  while (reader.next(p)) {
    ++n;
    const auto rt = wire::parse_radiotap(p.bytes);
    if (!rt.usable()) {
      std::printf("%5ld  bad radiotap header: %s\n", n, wire::to_string(rt.error).data());
      continue;
    }
    if (first < 0) first = p.timestamp.count();
    const auto frame = std::span<const std::uint8_t>(p.bytes).subspan(rt.length);
    std::printf("%5ld %10.6f  ch %-2u %4d dBm  %s\n", n, double(p.timestamp.count() - first) / 1e6,
                unsigned(mhz_to_channel(rt.fields.channel_mhz)), int(rt.fields.signal_dbm), describe(frame, keys).c_str());
  }
  if (!reader.error().empty()) return std::fprintf(stderr, "espnow: %s\n", reader.error().c_str()), 1;
  return 0;
}

// Every frame the radio hears goes to `record`: the whole UDP air (RSSI from
// the sniffer's position, the origin), or what a Linux radio's filter passes.
template <class Record>
void start_sniffing(host::OpenedRadio& r, Record record) {
  if (r.air) {
    r.air->set_sniffer([&r, record](const SniffedFrame& s) {
      const Position here{};  // the sniffer's position: RSSI is computed from it
      record(s.frame, s.channel, s.rate, rssi_dbm(r.air->options().path_loss, s.from, here, s.tx_dbm));
    });
  } else if (r.linux_radio) {
    r.linux_radio->set_monitor([record](const MonitoredFrame& m) {
      record(m.frame, m.info.channel, m.info.rate, m.info.rssi_dbm);
    });
  }
}

void stop_sniffing(host::OpenedRadio& r) {
  if (r.air) r.air->set_sniffer({});
  if (r.linux_radio) r.linux_radio->set_monitor({});
}

int write_capture(const GlobalOptions& g, const CaptureOptions& o) {
  if (o.channel != 0 && !is_valid_channel(o.channel))
    return std::fprintf(stderr, "espnow: --channel: %d is not a channel (1-14)\n", o.channel), 2;
  host::PcapWriter writer(o.write);
  if (!writer.ok()) return std::fprintf(stderr, "espnow: %s\n", writer.error().c_str()), 1;
  host::OpenedRadio opened = open_radio_or_exit(g, true);
  std::mutex m;
  std::atomic<long> captured{0};
  start_sniffing(opened, [&](std::span<const std::uint8_t> frame, std::uint8_t channel, PhyRate rate, int rssi) {
    if (o.channel != 0 && channel != o.channel) return;
    if (o.count >= 0 && captured.load() >= o.count) return;
    const auto now = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::system_clock::now().time_since_epoch());
    std::lock_guard lk(m);
    writer.write(radiotap_packet(frame, channel, rate, rssi), now);
    ++captured;
  });
  std::fprintf(stderr, "capturing on %s to %s (Ctrl-C to stop)\n", opened.description.c_str(), o.write.c_str());
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(o.duration_s < 0 ? 1000LL * 86400 * 365 : (long long)(o.duration_s * 1000));
  while (!g_stop && std::chrono::steady_clock::now() < deadline && (o.count < 0 || captured.load() < o.count)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::fprintf(stderr, "\rcaptured %ld frames", captured.load());
    std::lock_guard lk(m);
    writer.flush();
  }
  stop_sniffing(opened);
  std::fprintf(stderr, "\rcaptured %ld frames to %s\n", captured.load(), o.write.c_str());
  return 0;
}

}  // namespace

int cmd_capture(const GlobalOptions& g, const CaptureOptions& o) {
  if (!o.read.empty() && !o.write.empty()) return std::fprintf(stderr, "espnow: capture: give -w or -r, not both\n"), 2;
  if (!o.read.empty()) return read_capture(o.read, keyring(g));
  if (o.write.empty()) return std::fprintf(stderr, "espnow: capture: -w FILE or -r FILE is required\n"), 2;
  return write_capture(g, o);
}

}  // namespace espnow::cli
