// Test helper: exposes the wire codec on the command line so that independent
// tools (scapy, tshark) can be checked against it from Python.
//   wire_tool encode SRC DST SEQ RANDOM VERSION RATE RETRY HEXMSG   -> frame hex (with FCS)
//   wire_tool decode HEX [nofcs]                                    -> key=value lines
//   wire_tool pcap OUT RATE500K FREQ CHANFLAGS SIGNAL HEX [HEX...]  -> radiotap pcap
//   wire_tool protect PMKHEX LMKHEX PN FRAMEHEX                     -> protected frame hex
//   wire_tool unprotect PMKHEX LMKHEX FRAMEHEX                      -> plaintext frame hex, or error=
//   wire_tool beacon BSSID SSID CHANNEL PROTECTED TSF_US SEQ        -> beacon frame hex (with FCS)
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "espnow/wire/beacon.hpp"
#include "espnow/wire/ccmp.hpp"
#include "espnow/wire/frame.hpp"
#include "espnow/host/pcap_file.hpp"
#include "espnow/wire/radiotap.hpp"

using namespace espnow;

namespace {

std::vector<std::uint8_t> from_hex(const std::string& s) {
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i + 1 < s.size(); i += 2) out.push_back(static_cast<std::uint8_t>(std::stoul(s.substr(i, 2), nullptr, 16)));
  return out;
}

std::string to_hex(std::span<const std::uint8_t> b) {
  std::string s;
  char buf[3];
  for (auto x : b) std::snprintf(buf, sizeof buf, "%02x", x), s += buf;
  return s;
}

MacAddress mac(const char* text) {
  const auto r = MacAddress::parse(text);
  if (!r) std::fprintf(stderr, "bad MAC %s: %s\n", text, to_string(r.error).data()), std::exit(2);
  return r.mac;
}

int encode_cmd(char** a) {
  wire::FrameParams p{.dst = mac(a[1]), .src = mac(a[0]),
                      .sequence = static_cast<std::uint16_t>(std::stoul(a[2])),
                      .random = static_cast<std::uint32_t>(std::stoul(a[3])),
                      .version = static_cast<std::uint8_t>(std::stoul(a[4])),
                      .rate = static_cast<PhyRate>(std::stoul(a[5])), .retry = std::string(a[6]) == "1"};
  const auto msg = from_hex(a[7]);
  std::vector<std::uint8_t> out(wire::kMaxFrameSize);
  const auto r = wire::encode(p, msg, out);
  if (!r.ok()) return std::printf("error=%s\n", to_string(r.error).data()), 1;
  std::printf("%s\n", to_hex(std::span(out).first(r.size)).c_str());
  return 0;
}

int decode_cmd(int argc, char** a) {
  const auto bytes = from_hex(a[0]);
  const bool fcs = !(argc > 1 && std::string(a[1]) == "nofcs");
  std::vector<std::uint8_t> storage(wire::kMaxMessageV2);
  const auto r = wire::decode(bytes, fcs ? wire::Fcs::present : wire::Fcs::absent, storage);
  if (!r.ok()) return std::printf("error=%s\n", to_string(r.error).data()), 1;
  const auto& f = r.frame;
  std::printf("dst=%s\nsrc=%s\nbssid=%s\n", f.header.dst.to_text().c_str(), f.header.src.to_text().c_str(),
              f.header.bssid.to_text().c_str());
  std::printf("sequence=%u\nretry=%d\nduration=%u\nencrypted=%d\n", f.header.sequence, f.header.retry(),
              f.header.duration, f.encrypted);
  std::printf("random=%u\nversion=%u\nelements=%zu\nmessage=%s\n", f.random, f.version, f.elements,
              to_hex(f.message).c_str());
  return 0;
}

int pcap_cmd(int argc, char** a) {
  auto w = host::PcapWriter::open(a[0]);
  if (!w.ok()) return std::fprintf(stderr, "%s\n", std::string(w.detail()).c_str()), 1;
  wire::RadiotapFields f;
  f.has_flags = true, f.flags = wire::kRadiotapFlagFcs;
  f.has_rate = true, f.rate_500kbps = static_cast<std::uint8_t>(std::stoul(a[1]));
  f.has_channel = true, f.channel_mhz = static_cast<std::uint16_t>(std::stoul(a[2]));
  f.channel_flags = static_cast<std::uint16_t>(std::stoul(a[3], nullptr, 0));
  f.has_signal = true, f.signal_dbm = static_cast<std::int8_t>(std::stoi(a[4]));
  for (int i = 5; i < argc; ++i) {
    std::vector<std::uint8_t> pkt(64);
    pkt.resize(wire::build_radiotap(f, pkt));
    const auto frame = from_hex(a[i]);
    pkt.insert(pkt.end(), frame.begin(), frame.end());
    w->write(pkt, std::chrono::microseconds(i * 1000));
  }
  return 0;
}

wire::CcmpCipher cipher_from(const char* pmk_hex, const char* lmk_hex) {
  const auto pmk = from_hex(pmk_hex), lmk = from_hex(lmk_hex);
  if (pmk.size() != 16 || lmk.size() != 16) std::fprintf(stderr, "keys must be 16 bytes\n"), std::exit(2);
  return wire::CcmpCipher(wire::temporal_key(std::span<const std::uint8_t, 16>(pmk.data(), 16),
                                             std::span<const std::uint8_t, 16>(lmk.data(), 16)));
}

int ccmp_cmd(bool protect, char** a) {
  wire::CcmpCipher c = cipher_from(a[0], a[1]);
  const auto frame = from_hex(protect ? a[3] : a[2]);
  std::vector<std::uint8_t> out(wire::kMaxFrameSize);
  const auto r = protect ? c.protect(frame, std::stoull(a[2]), out) : c.unprotect(frame, out);
  if (!r.ok()) return std::printf("error=%s\n", to_string(r.error).data()), 1;
  std::printf("%s\n", to_hex(std::span(out).first(r.size)).c_str());
  return 0;
}

int beacon_cmd(char** a) {
  const auto bssid = MacAddress::parse(a[0]);
  if (!bssid) return std::fprintf(stderr, "bad BSSID\n"), 2;
  const std::string ssid = a[1];
  const auto frame = wire::encode_beacon({.bssid = *bssid, .ssid = ssid,
                                          .channel = static_cast<std::uint8_t>(std::stoul(a[2])),
                                          .protected_network = std::string(a[3]) == "1",
                                          .timestamp_us = std::stoull(a[4]),
                                          .sequence = static_cast<std::uint16_t>(std::stoul(a[5]))});
  std::printf("%s\n", to_hex(frame).c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string cmd = argc > 1 ? argv[1] : "";
  if (cmd == "encode" && argc == 10) return encode_cmd(argv + 2);
  if (cmd == "decode" && argc >= 3) return decode_cmd(argc - 2, argv + 2);
  if (cmd == "pcap" && argc >= 8) return pcap_cmd(argc - 2, argv + 2);
  if (cmd == "protect" && argc == 6) return ccmp_cmd(true, argv + 2);
  if (cmd == "unprotect" && argc == 5) return ccmp_cmd(false, argv + 2);
  if (cmd == "beacon" && argc == 8) return beacon_cmd(argv + 2);
  std::fprintf(stderr, "usage: see the comment at the top of wire_tool.cpp\n");
  return 2;
}
