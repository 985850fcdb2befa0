// capture -w FILE: a passive sniffer of the air, writing radiotap pcaps.
// capture -r FILE: prints the frames of a capture (radiotap or bare 802.11,
// FCS or not, as drivers write them), decoded, then a summary on stderr.
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "cli.hpp"
#include "espnow/wire/air_datagram.hpp"
#include "espnow/wire/ccmp.hpp"
#include "espnow/wire/frame.hpp"
#include "espnow/host/air_pcap.hpp"
#include "espnow/host/pcap_file.hpp"
#include "espnow/wire/radiotap.hpp"

namespace espnow::cli {
namespace {

// Keys for decrypting a capture: the temporal key of each peer given with --lmk.
struct Keyring {
  std::vector<std::pair<MacAddress, wire::Key128>> keys;
  const wire::Key128* find(const MacAddress& src, const MacAddress& dst) const {
    for (const auto& [mac, tk] : keys)
      if (mac == src || mac == dst) return &tk;  // the LMK is shared by the pair
    return nullptr;
  }
};

Keyring keyring(const GlobalOptions& g) {
  const auto pmk = pmk_option(g);
  Keyring k;
  for (const PeerKey& p : lmk_options(g)) k.keys.emplace_back(p.mac, wire::temporal_key(pmk, p.lmk));
  return k;
}

std::string plural(long n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

// ------------------------------------------------------------ capture -r

enum class Kind { esp_now, encrypted, ack, other, bad_fcs, unreadable };

// What one captured packet holds, for the text line, the JSON line and the summary.
struct Examined {
  Kind kind = Kind::other;
  std::string problem;  // why it is not readable (further), if so
  std::string what;     // a frame that is not ESP-NOW: its 802.11 name, sender, SSID
  MacAddress src, dst;  // ESP-NOW; dst is the RA of an ACK
  std::uint16_t seq = 0;
  bool retry = false;
  bool decrypted = false, mic_failure = false;
  std::uint64_t pn = 0;
  int version = 0;
  std::vector<std::uint8_t> message;
  bool decoded() const { return kind == Kind::esp_now || decrypted; }
};

// Decrypts an encrypted ESP-NOW frame when a key for its pair was given.
void decrypt(std::span<const std::uint8_t> frame, const Keyring& keys, Examined& e, wire::DecodeResult& d,
             std::span<std::uint8_t> storage) {
  const wire::Key128* tk = keys.find(e.src, e.dst);
  if (!tk) return void(e.problem = "no key");
  std::vector<std::uint8_t> plain(wire::kMaxFrameSize);
  const auto r = wire::CcmpCipher(*tk).unprotect(frame, plain);
  e.pn = r.pn;
  if (!r.ok()) {
    e.mic_failure = r.error == wire::CcmpError::mic_failure;
    e.problem = wire::to_string(r.error);
    return;
  }
  d = wire::decode(std::span(plain).first(r.size), wire::Fcs::absent, storage);
  if (!d.ok()) return void(e.problem = "decrypted, but " + std::string(wire::to_string(d.error)));
  e.decrypted = true;
}

// The 802.11 name of a frame's type and subtype (IEEE 802.11-2020, 9.2.4.1.3).
std::string frame_name(std::uint8_t fc0) {
  const int type = fc0 >> 2 & 3, subtype = fc0 >> 4;
  static constexpr const char* kManagement[16] = {
      "association request", "association response", "reassociation request", "reassociation response",
      "probe request", "probe response", nullptr, nullptr, "beacon", "ATIM", "disassociation", "authentication",
      "deauthentication", "action frame", "action frame (no ACK)", nullptr};
  static constexpr const char* kControl[16] = {nullptr, nullptr, nullptr, nullptr, "beamforming report poll",
                                               "VHT NDP announcement", nullptr, "control wrapper",
                                               "block ACK request", "block ACK", "PS-poll", "RTS", "CTS", "ACK",
                                               "CF-end", "CF-end + CF-ACK"};
  const char* name = type == 0 ? kManagement[subtype] : type == 1 ? kControl[subtype] : nullptr;
  if (type == 2) name = subtype == 4 ? "null data" : subtype == 12 ? "QoS null data" : subtype & 8 ? "QoS data" : "data";
  return name ? name : "type " + std::to_string(type) + " subtype " + std::to_string(subtype);
}

// A frame that is not ESP-NOW, named (for a beacon or probe response, its
// SSID and the channel it announces), and why ESP-NOW is not it.
void name_other(std::span<const std::uint8_t> frame, Examined& e) {
  const std::span<const std::uint8_t> f = frame.first(frame.size() - wire::kFcsLen);
  const std::uint8_t fc0 = f.empty() ? 0 : f[0];
  e.what = frame_name(fc0);
  const bool management = (fc0 >> 2 & 3) == 0, control = (fc0 >> 2 & 3) == 1;
  if (f.size() >= 16 && !(control && (fc0 >> 4) != 11)) e.what += " from " + std::string(MacAddress::read(f.data() + 10).to_text().view());
  const int subtype = fc0 >> 4;
  if (!management || (subtype != 8 && subtype != 5)) return;
  for (std::size_t at = 36; at + 2 <= f.size() && at + 2 + f[at + 1] <= f.size(); at += 2 + f[at + 1]) {
    if (f[at] == 0) e.what += " '" + printable(f.subspan(at + 2, f[at + 1])) + "'";
    if (f[at] == 3 && f[at + 1] == 1) e.what += " ch " + std::to_string(f[at + 2]);
  }
}

// `frame` ends with a good FCS (read_captured saw to it).
Examined examine(std::span<const std::uint8_t> frame, const Keyring& keys) {
  Examined e;
  if (wire::parse_ack(frame, e.dst)) return e.kind = Kind::ack, e;
  std::vector<std::uint8_t> storage(wire::kMaxMessageV2);
  auto d = wire::decode(frame, wire::Fcs::trusted, storage);
  if (!d.ok()) {
    e.problem = wire::to_string(d.error);
    if (frame.size() >= wire::kFcsLen) name_other(frame, e);
    return e;
  }
  const wire::FrameHeader& h = d.frame.header;
  e.src = h.src, e.dst = h.dst, e.seq = h.sequence, e.retry = h.retry();
  e.kind = d.frame.encrypted ? Kind::encrypted : Kind::esp_now;
  if (d.frame.encrypted) decrypt(frame, keys, e, d, storage);
  if (e.decoded()) e.version = d.frame.version, e.message.assign(d.frame.message.begin(), d.frame.message.end());
  return e;
}

// A packet read_captured() refused: a bad FCS, or nothing to read.
Examined unusable(const wire::CapturedFrame& c) {
  Examined e;
  e.kind = c.status == wire::CaptureStatus::bad_fcs ? Kind::bad_fcs : Kind::unreadable;
  e.problem = wire::to_string(c.status);
  if (c.status == wire::CaptureStatus::bad_radiotap) e.problem += ": " + std::string(wire::to_string(c.radiotap_error));
  return e;
}

std::string text(const Examined& e) {
  switch (e.kind) {
    case Kind::ack: return "ACK -> " + std::string(e.dst.to_text().view());
    case Kind::other:  // an action frame says why it is not ESP-NOW's; a beacon's name says it all
      if (!e.what.empty() && e.problem == wire::to_string(wire::DecodeError::not_action)) return e.what + ", not ESP-NOW";
      return (e.what.empty() ? "802.11 frame" : e.what) + ", not ESP-NOW (" + e.problem + ")";
    case Kind::bad_fcs:
    case Kind::unreadable: return e.problem;
    case Kind::esp_now:
    case Kind::encrypted: break;
  }
  std::string s = std::string(e.src.to_text().view()) + " -> " + std::string(e.dst.to_text().view()) + "  ESP-NOW";
  const std::string seq = " seq=" + std::to_string(e.seq) + (e.retry ? " retry" : "");
  if (e.kind == Kind::encrypted && !e.decrypted) {
    if (e.problem == "no key") return s + " (encrypted, no key)" + seq;
    return s + " (encrypted) " + e.problem + " pn=" + std::to_string(e.pn);
  }
  s += " v" + std::to_string(e.version);
  if (e.decrypted) s += " (decrypted, pn=" + std::to_string(e.pn) + ")";
  return s + seq + " len=" + std::to_string(e.message.size()) + " " + printable(e.message);
}

std::string json(const Examined& e) {
  static constexpr const char* kNames[] = {"esp-now", "esp-now", "ack", "other", "bad-fcs", "unreadable"};
  std::string s = "\"kind\": \"" + std::string(kNames[static_cast<int>(e.kind)]) + "\"";
  if (e.kind == Kind::ack) return s + ", \"ra\": \"" + std::string(e.dst.to_text().view()) + "\"";
  if (e.kind == Kind::esp_now || e.kind == Kind::encrypted) {
    s += ", \"src\": \"" + std::string(e.src.to_text().view()) + "\", \"dst\": \"" +
         std::string(e.dst.to_text().view()) + "\", \"seq\": " + std::to_string(e.seq) +
         ", \"retry\": " + (e.retry ? "true" : "false") + ", \"encrypted\": " +
         (e.kind == Kind::encrypted ? "true" : "false");
    if (e.pn != 0) s += ", \"pn\": " + std::to_string(e.pn);
  }
  if (e.decoded())
    s += ", \"version\": " + std::to_string(e.version) + ", \"len\": " + std::to_string(e.message.size()) +
         ", \"msg\": " + json_string(printable(e.message)) + ", \"hex\": \"" + hex(e.message) + "\"";
  if (!e.what.empty()) s += ", \"frame\": " + json_string(e.what);
  if (!e.problem.empty()) s += ", \"error\": " + json_string(e.problem);
  return s;
}

// What the capture held, by kind and by sender; sends never acknowledged.
class Summary {
 public:
  explicit Summary(bool decrypting) : decrypting_(decrypting) {}

  void add(const Examined& e) {
    ++frames_, ++by_kind_[static_cast<int>(e.kind)];
    mic_failures_ += e.mic_failure;
    if (e.kind == Kind::ack) return acknowledged(e.dst);
    if (e.kind != Kind::esp_now && e.kind != Kind::encrypted) return;
    Peer& p = peer(e.src);
    ++p.frames, retries_ += e.retry, p.retries += e.retry;
    if (e.dst.is_multicast()) return;
    sends_.try_emplace(Send{e.src, e.dst, e.seq}, false);
    p.awaiting = Send{e.src, e.dst, e.seq};
  }

  void print() const {
    static constexpr std::array<std::pair<const char*, const char*>, 6> kLabels{{
        {"ESP-NOW", "ESP-NOW"}, {"encrypted ESP-NOW", "encrypted ESP-NOW"}, {"ACK", "ACKs"},
        {"other 802.11 frame", "other 802.11 frames"}, {"bad FCS", "bad FCS"}, {"unreadable", "unreadable"}}};
    std::string kinds;
    for (std::size_t k = 0; k < kLabels.size(); ++k)
      if (by_kind_[k]) kinds += (kinds.empty() ? ": " : ", ") + plural(by_kind_[k], kLabels[k].first, kLabels[k].second);
    std::fprintf(stderr, "--- %s%s\n", plural(frames_, "frame", "frames").c_str(), kinds.c_str());
    const bool acks_seen = by_kind_[static_cast<int>(Kind::ack)] > 0;
    for (const Peer& p : peers_) {
      std::string line = plural(p.frames, "frame", "frames") + " sent, " + plural(p.retries, "retry", "retries");
      if (acks_seen) line += ", " + plural(failed(p.mac), "failed send", "failed sends");
      std::fprintf(stderr, "--- %s: %s\n", p.mac.to_text().c_str(), line.c_str());
    }
    std::string all = plural(retries_, "retry", "retries") + ", " +
                      (acks_seen ? plural(failed({}), "failed send", "failed sends") + " (no ACK seen)"
                                 : "failed sends unknown (no ACK frames in the capture)");
    if (decrypting_) all += ", " + plural(mic_failures_, "MIC failure", "MIC failures");
    std::fprintf(stderr, "--- in all: %s\n", all.c_str());
  }

 private:
  struct Send {
    MacAddress src, dst;
    std::uint16_t seq;
    auto operator<=>(const Send&) const = default;
  };
  struct Peer {
    MacAddress mac;
    long frames = 0, retries = 0;
    std::optional<Send> awaiting;  // its last unicast: the next ACK to it is for this one
  };

  Peer& peer(const MacAddress& mac) {
    for (Peer& p : peers_)
      if (p.mac == mac) return p;
    peers_.emplace_back();
    peers_.back().mac = mac;
    return peers_.back();
  }
  // An ACK names only its receiver: it acknowledges that sender's last unicast.
  void acknowledged(const MacAddress& ra) {
    for (Peer& p : peers_)
      if (p.mac == ra && p.awaiting) sends_[*p.awaiting] = true, p.awaiting.reset();
  }
  // Sends of `src` (every sender's if empty) that no ACK followed.
  long failed(const MacAddress& src) const {
    long n = 0;
    for (const auto& [send, acked] : sends_) n += !acked && (src == MacAddress{} || send.src == src);
    return n;
  }

  bool decrypting_;
  long frames_ = 0, retries_ = 0, mic_failures_ = 0;
  std::array<long, 6> by_kind_{};
  std::vector<Peer> peers_;
  std::map<Send, bool> sends_;  // unicast sends (retries are the same send) and whether acknowledged
};

// A channel or signal the capture may not give ("-" then).
std::string known(bool has, int value) { return has ? std::to_string(value) : "-"; }
std::string known_json(bool has, int value) { return has ? std::to_string(value) : "null"; }

int read_capture(const GlobalOptions& g, const CaptureOptions& o, const Keyring& keys) {
  auto opened = host::PcapReader::open(o.read);
  if (!opened.ok()) return std::fprintf(stderr, "espnow: %s\n", std::string(opened.detail()).c_str()), 1;
  host::PcapReader& reader = opened.value();
  if (!wire::is_capture_link(reader.link_type()))
    return std::fprintf(stderr, "espnow: %s: link type %d, expected 127 (radiotap) or 105 (802.11)\n",
                        o.read.c_str(), reader.link_type()), 1;
  const auto link = static_cast<wire::CaptureLink>(reader.link_type());
  host::CapturedPacket p;
  std::vector<std::uint8_t> storage(65536 + wire::kFcsLen);
  Summary summary(!keys.keys.empty());
  long n = 0, shown = 0;
  std::int64_t first = -1;
  Result<bool> got = true;  // a packet was read; false at the end, or the read error
  while ((o.count < 0 || shown < o.count) && (got = reader.next(p)).ok() && got.value()) {
    ++n;
    if (first < 0) first = p.timestamp.count();
    const wire::CapturedFrame c = wire::read_captured(p.bytes, link, storage);
    const wire::RadiotapFields& f = c.fields;
    const int channel = f.has_channel ? mhz_to_channel(f.channel_mhz) : 0;
    if (o.channel != 0 && channel != o.channel) continue;
    const Examined e = c.ok() ? examine(c.frame, keys) : unusable(c);
    summary.add(e);
    if (o.only_espnow && e.kind == Kind::other) continue;  // counted, not printed (nor by --count)
    ++shown;
    const double t = double(p.timestamp.count() - first) / 1e6;
    if (g.json)
      std::printf("{\"n\": %ld, \"time\": %.6f, \"channel\": %s, \"rssi\": %s, %s}\n", n, t,
                  known_json(channel != 0, channel).c_str(), known_json(f.has_signal, f.signal_dbm).c_str(),
                  json(e).c_str());
    else
      std::printf("%5ld %10.6f  ch %-2s %4s dBm  %s\n", n, t, known(channel != 0, channel).c_str(),
                  known(f.has_signal, f.signal_dbm).c_str(), text(e).c_str());
  }
  summary.print();
  if (!got.ok()) return std::fprintf(stderr, "espnow: %s\n", std::string(got.detail()).c_str()), 1;
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
      record(m.frame, m.rx_ctrl.channel, m.rx_ctrl.rate, m.rx_ctrl.rssi_dbm);
    });
  }
}

void stop_sniffing(host::OpenedRadio& r) {
  if (r.air) r.air->set_sniffer({});
  if (r.linux_radio) r.linux_radio->set_monitor({});
}

int write_capture(const GlobalOptions& g, const CaptureOptions& o) {
  auto file = host::PcapWriter::open(o.write);
  if (!file.ok()) return std::fprintf(stderr, "espnow: %s\n", std::string(file.detail()).c_str()), 1;
  host::PcapWriter& writer = file.value();
  host::OpenedRadio opened = open_radio_or_exit(g, true);
  std::mutex m;
  std::atomic<long> captured{0};
  start_sniffing(opened, [&](std::span<const std::uint8_t> frame, std::uint8_t channel, PhyRate rate, int rssi) {
    if (o.channel != 0 && channel != o.channel) return;
    if (o.count >= 0 && captured.load() >= o.count) return;
    const auto now = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::system_clock::now().time_since_epoch());
    std::lock_guard lk(m);
    writer.write(host::radiotap_packet(frame, channel, rate, rssi), now);
    ++captured;
  });
  std::fprintf(stderr, "capturing on %s to %s (Ctrl-C to stop)\n", opened.description.c_str(), o.write.c_str());
  const bool live = ::isatty(STDERR_FILENO);  // a counter updated in place is for a person, not a file or pipe
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(o.duration_s < 0 ? 1000LL * 86400 * 365 : (long long)(o.duration_s * 1000));
  while (!g_stop && std::chrono::steady_clock::now() < deadline && (o.count < 0 || captured.load() < o.count)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (live) std::fprintf(stderr, "\rcaptured %s", plural(captured.load(), "frame", "frames").c_str());
    std::lock_guard lk(m);
    writer.flush();
  }
  stop_sniffing(opened);
  std::fprintf(stderr, "%scaptured %s to %s\n", live ? "\r" : "", plural(captured.load(), "frame", "frames").c_str(),
               o.write.c_str());
  return 0;
}

}  // namespace

int cmd_capture(const GlobalOptions& g, const CaptureOptions& o) {
  if (!o.read.empty() && !o.write.empty()) return std::fprintf(stderr, "espnow: capture: give -w or -r, not both\n"), 2;
  if (o.read.empty() && o.write.empty()) return std::fprintf(stderr, "espnow: capture: -w FILE or -r FILE is required\n"), 2;
  if (o.channel != 0 && !is_valid_channel(o.channel))
    return std::fprintf(stderr, "espnow: --channel: %d is not a channel (1-14)\n", o.channel), 2;
  if (o.read.empty() && o.only_espnow)
    return std::fprintf(stderr, "espnow: capture: --only-espnow applies to -r only; -w writes every frame\n"), 2;
  if (o.read.empty()) return write_capture(g, o);
  if (o.duration_s >= 0)
    return std::fprintf(stderr, "espnow: capture: --duration applies to -w only; -r reads the file to its end or --count\n"), 2;
  return read_capture(g, o, keyring(g));
}

}  // namespace espnow::cli
