// The codec in one page: encode a message as an ESP-NOW frame, write it to a
// pcap file behind a radiotap header, decode it back and print the fields.
#include <cstdio>
#include <string_view>
#include <vector>

#include "espnow/wire/frame.hpp"
#include "espnow/host/pcap_file.hpp"
#include "espnow/wire/radiotap.hpp"

using namespace espnow;
using namespace espnow::literals;

int main(int argc, char** argv) {
  const char* path = argc > 1 ? argv[1] : "demo.pcap";
  constexpr std::string_view text = "Hello from ESP-NOW for C++";
  const auto msg = std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());

  // 1. Encode: 802.11 Action frame, vendor element, FCS.
  std::vector<std::uint8_t> frame(wire::kMaxFrameSize);
  const wire::FrameParams params{.dst = "ba:bb:bb:bb:bb:bb"_mac, .src = "aa:aa:aa:aa:aa:aa"_mac,
                                 .sequence = 42, .random = 0x5eed1234, .version = 1, .rate = PhyRate::r1m};
  const auto enc = wire::encode(params, msg, frame);
  if (!enc.ok()) return std::fprintf(stderr, "encode: %s\n", to_string(enc.error).data()), 1;
  frame.resize(enc.size);

  // 2. Capture: radiotap (FCS flag, 1 Mbps, channel 1, -40 dBm) + frame.
  wire::RadiotapFields rt;
  rt.has_flags = true, rt.flags = wire::kRadiotapFlagFcs;
  rt.has_rate = true, rt.rate_500kbps = 2;
  rt.has_channel = true, rt.channel_mhz = channel_to_mhz(1);
  rt.channel_flags = wire::kRadiotapChanCck | wire::kRadiotapChan2Ghz;
  rt.has_signal = true, rt.signal_dbm = -40;
  std::vector<std::uint8_t> packet(wire::radiotap_size(rt));
  wire::build_radiotap(rt, packet);
  packet.insert(packet.end(), frame.begin(), frame.end());
  {
    auto writer = host::PcapWriter::open(path);
    if (!writer.ok()) return std::fprintf(stderr, "%s\n", std::string(writer.detail()).c_str()), 1;
    writer->write(packet, std::chrono::microseconds(0));
  }

  // 3. Decode what was written and print it.
  std::printf("Wrote %zu-byte ESP-NOW frame to %s\n  ", frame.size(), path);
  for (std::size_t i = 0; i < frame.size(); ++i) std::printf("%02x%s", frame[i], (i + 1) % 24 ? " " : "\n  ");
  std::printf("\n");
  const auto dec = wire::decode(frame, wire::Fcs::present);
  if (!dec.ok()) return std::fprintf(stderr, "decode: %s\n", to_string(dec.error).data()), 1;
  const auto& f = dec.frame;
  std::printf("Decoded:\n");
  std::printf("  destination  %s\n  source       %s\n  bssid        %s\n", f.header.dst.to_text().c_str(),
              f.header.src.to_text().c_str(), f.header.bssid.to_text().c_str());
  std::printf("  duration     %u us\n  sequence     %u\n  retry        %s\n", f.header.duration, f.header.sequence,
              f.header.retry() ? "yes" : "no");
  std::printf("  random       0x%08x\n  version      %u\n  elements     %zu\n", f.random, f.version, f.elements);
  std::printf("  message      \"%.*s\" (%zu bytes)\n  FCS          good\n", static_cast<int>(f.message.size()),
              reinterpret_cast<const char*>(f.message.data()), f.message.size());
  return 0;
}
