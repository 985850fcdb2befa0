// Decode + FCS check of a 250-byte ESP-NOW frame against zlib's crc32 alone
// over the same bytes (the part no decoder can avoid).
#include <vector>

#include "espnow/wire/frame.hpp"
#include "harness.hpp"

using namespace espnow;

int main() {
  std::vector<std::uint8_t> msg(250, 0x5a);
  std::vector<std::uint8_t> frame(wire::kMaxFrameSize);
  const auto enc = wire::encode({.dst = MacAddress{{0x24, 0, 0, 0, 0, 1}}, .src = {}}, msg, frame);
  frame.resize(enc.size);

  auto decode = [&](std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      const auto r = wire::decode(frame, wire::Fcs::present);
      bench::keep(r.frame.message.size());
    }
  };
  auto crc_only = [&](std::size_t n) {
    const auto body = std::span(frame).first(frame.size() - wire::kFcsLen);
    for (std::size_t i = 0; i < n; ++i) bench::keep(wire::crc32(body));
  };
  const auto [value, base] = bench::compare_rates(decode, crc_only, 200000);
  bench::report_ratio("wire.decode_fcs_250B", value, "frames/s", base, 0.8);
  return 0;
}
