#include "espnow/sim/phy_timing.hpp"

namespace espnow::sim {

Time frame_duration(PhyRate rate, std::uint32_t bytes) noexcept {
  return microseconds(airtime_us(rate, bytes));
}

std::uint32_t header_kbps(PhyRate rate) noexcept {
  switch (rate_info(rate).modulation) {
    case Modulation::dsss_long:
      return 1000;
    case Modulation::dsss_short:
      return 2000;  // the short PLCP header goes at 2 Mbps
    case Modulation::ofdm:
      return 6000;
    case Modulation::long_range:
      return rate_info(rate).kbps;
  }
  return 1000;
}

PhyTiming timing_for(PhyRate rate) noexcept {
  PhyTiming t{};
  t.slot = microseconds(kSlotUs);
  t.sifs = microseconds(kSifsUs);
  t.difs = microseconds(kDifsUs);
  t.cw_min = kCwMin;
  t.cw_max = kCwMax;
  t.ack_rate = ack_rate(rate);
  switch (rate_info(rate).modulation) {
    case Modulation::dsss_long:
    case Modulation::long_range:  // Espressif does not publish LR's: we take DSSS's long preamble
      t.preamble_header = microseconds(192);
      break;
    case Modulation::dsss_short:
      t.preamble_header = microseconds(96);
      break;
    case Modulation::ofdm:
      t.preamble_header = microseconds(20);
      break;
  }
  // An ACK at the PHY's lowest mandatory rate: 1 Mbps for an ERP PHY (802.11g
  // mixed with 11b, as an ESP32 runs) whatever the frame's modulation, so 364
  // µs after an OFDM frame too (ns-3's 802.11g takes the same 304 µs ACK).
  t.eifs = t.sifs + frame_duration(PhyRate::r1m, kAckFrameBytes) + t.difs;
  t.ack_timeout = t.sifs + t.slot + t.preamble_header;
  return t;
}

}  // namespace espnow::sim
