// Decode + FCS check of a 250-byte ESP-NOW frame, against a CRC-32 alone over
// the same bytes, the part no decoder can avoid: zlib's crc32 (the row's
// baseline since it was set, a reference every decoder could use), and for
// the record the library's own CRC (ISA-L's), four to twelve times faster,
// beside which the decoding's own few nanoseconds show.
#include <zlib.h>

#include <vector>

#include "espnow/wire/fcs.hpp"
#include "espnow/wire/frame.hpp"
#include "harness.hpp"

using namespace espnow;

int main() {
  std::vector<std::uint8_t> msg(250, 0x5a);
  std::vector<std::uint8_t> frame(wire::kMaxFrameSize);
  const auto enc = wire::encode({.dst = MacAddress{{0x24, 0, 0, 0, 0, 1}}, .src = {}}, msg, frame);
  frame.resize(enc.size);
  const auto body = std::span(frame).first(frame.size() - wire::kFcsLen);

  auto decode = [&](std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      const auto r = wire::decode(frame, wire::Fcs::present);
      bench::keep(r.frame.message.size());
    }
  };
  auto zlib_crc = [&](std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) bench::keep(::crc32(0L, body.data(), static_cast<uInt>(body.size())));
  };
  auto own_crc = [&](std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) bench::keep(wire::crc32(body));
  };
  const auto [value, zlib_base] = bench::compare_rates(decode, zlib_crc, 200000);
  bench::report_ratio("wire.decode_fcs_250B", value, "frames/s", zlib_base, 0.8);
  const auto [again, own_base] = bench::compare_rates(decode, own_crc, 200000);
  bench::report_info("wire.decode_fcs_250B_over_own_crc", again / own_base, "of the library's CRC alone");
  return 0;
}
