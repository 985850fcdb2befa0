#include "espnow/wire/phy.hpp"

#include <array>

namespace espnow {
namespace {

constexpr std::array<RateInfo, 17> kRates{{
    {PhyRate::r1m, 1000, Modulation::dsss_long, -97, "RATE_1M"},
    {PhyRate::r2m, 2000, Modulation::dsss_long, -94, "RATE_2M"},
    {PhyRate::r5m, 5500, Modulation::dsss_long, -92, "RATE_5M"},
    {PhyRate::r11m, 11000, Modulation::dsss_long, -88, "RATE_11M"},
    {PhyRate::r2m_short, 2000, Modulation::dsss_short, -94, "RATE_2M_S"},
    {PhyRate::r5m_short, 5500, Modulation::dsss_short, -92, "RATE_5M_S"},
    {PhyRate::r11m_short, 11000, Modulation::dsss_short, -88, "RATE_11M_S"},
    {PhyRate::r48m, 48000, Modulation::ofdm, -76, "RATE_48M"},
    {PhyRate::r24m, 24000, Modulation::ofdm, -84, "RATE_24M"},
    {PhyRate::r12m, 12000, Modulation::ofdm, -89, "RATE_12M"},
    {PhyRate::r6m, 6000, Modulation::ofdm, -92, "RATE_6M"},
    {PhyRate::r54m, 54000, Modulation::ofdm, -74, "RATE_54M"},
    {PhyRate::r36m, 36000, Modulation::ofdm, -80, "RATE_36M"},
    {PhyRate::r18m, 18000, Modulation::ofdm, -87, "RATE_18M"},
    {PhyRate::r9m, 9000, Modulation::ofdm, -91, "RATE_9M"},
    {PhyRate::lora_250k, 250, Modulation::long_range, -105, "RATE_LORA_250K"},
    {PhyRate::lora_500k, 500, Modulation::long_range, -102, "RATE_LORA_500K"},
}};

std::uint32_t ceil_div(std::uint32_t a, std::uint32_t b) { return (a + b - 1) / b; }

}  // namespace

const RateInfo* rate_info(std::uint8_t value) noexcept {
  for (const auto& r : kRates)
    if (static_cast<std::uint8_t>(r.rate) == value) return &r;
  return nullptr;
}

std::uint32_t signal_extension_us(PhyRate rate) noexcept {
  return rate_info(rate).modulation == Modulation::ofdm ? kSignalExtensionUs : 0;
}

std::uint32_t airtime_us(PhyRate rate, std::uint32_t bytes) noexcept {
  const RateInfo& info = rate_info(rate);
  const std::uint32_t bits = bytes * 8;
  switch (info.modulation) {
    case Modulation::dsss_long:
    case Modulation::long_range:
      return 192 + ceil_div(bits * 1000, info.kbps);
    case Modulation::dsss_short:
      return 96 + ceil_div(bits * 1000, info.kbps);
    case Modulation::ofdm: {
      // 16 SERVICE bits + 6 tail bits, in 4 µs symbols of rate*4 bits.
      const std::uint32_t bits_per_symbol = info.kbps * 4 / 1000;
      return 20 + 4 * ceil_div(16 + bits + 6, bits_per_symbol) + kSignalExtensionUs;
    }
  }
  return 0;
}

PhyRate ack_rate(PhyRate rate) noexcept {
  // SPEC §3 "Contention": the basic rate, 1 Mbps after any DSSS/CCK frame and
  // 6 Mbps after any OFDM one (802.11's rule, the highest basic rate at or
  // below the frame's, gave 2, 12 or 24 Mbps after faster frames).
  switch (rate_info(rate).modulation) {
    case Modulation::dsss_long:
    case Modulation::dsss_short:
      return PhyRate::r1m;
    case Modulation::long_range:
      return rate;
    case Modulation::ofdm:
      return PhyRate::r6m;
  }
  return PhyRate::r1m;
}

std::uint16_t unicast_duration_us(PhyRate rate) noexcept {
  return static_cast<std::uint16_t>(kSifsUs + airtime_us(ack_rate(rate), kAckFrameBytes));
}

}  // namespace espnow
