// PHY facts ESP-NOW depends on: rates (ESP-IDF's wifi_phy_rate_t values, which
// MicroPython exposes as RATE_*), channel frequencies, receive sensitivity and
// 802.11b/g airtime (docs/behaviour.md, "Airtime"). Pure and constexpr.
#pragma once

#include <cstdint>
#include <string_view>

namespace espnow {

// Values are ESP-IDF's wifi_phy_rate_t, so they pass straight through to
// esp_wifi / esp_now_set_peer_rate_config on a device.
enum class PhyRate : std::uint8_t {
  r1m = 0x00,       // 802.11b, long preamble (the default)
  r2m = 0x01,
  r5m = 0x02,       // 5.5 Mbps
  r11m = 0x03,
  r2m_short = 0x05,
  r5m_short = 0x06,
  r11m_short = 0x07,
  r48m = 0x08,
  r24m = 0x09,
  r12m = 0x0A,
  r6m = 0x0B,
  r54m = 0x0C,
  r36m = 0x0D,
  r18m = 0x0E,
  r9m = 0x0F,
  lora_250k = 0x29,  // Espressif long range
  lora_500k = 0x2A,
};

enum class Modulation : std::uint8_t { dsss_long, dsss_short, ofdm, long_range };

struct RateInfo {
  PhyRate rate;
  std::uint32_t kbps;
  Modulation modulation;
  std::int8_t sensitivity_dbm;  // approximate ESP32 datasheet figures
  std::string_view name;        // the MicroPython constant
};

// Every rate the stack accepts; nullptr for a value outside wifi_phy_rate_t's
// legacy rates (MCS rates are not used by ESP-NOW here).
const RateInfo* rate_info(std::uint8_t value) noexcept;
inline const RateInfo& rate_info(PhyRate r) noexcept { return *rate_info(static_cast<std::uint8_t>(r)); }
inline bool is_long_range(PhyRate r) noexcept { return rate_info(r).modulation == Modulation::long_range; }

// Channels 1..14 at 2.4 GHz.
inline constexpr std::uint8_t kMinChannel = 1;
inline constexpr std::uint8_t kMaxChannel = 14;
constexpr bool is_valid_channel(int ch) noexcept { return ch >= kMinChannel && ch <= kMaxChannel; }
constexpr std::uint16_t channel_to_mhz(std::uint8_t ch) noexcept {
  return ch == 14 ? 2484 : static_cast<std::uint16_t>(2407 + 5 * ch);
}
// 0 when the frequency is not a 2.4 GHz channel.
constexpr std::uint8_t mhz_to_channel(std::uint16_t mhz) noexcept {
  if (mhz == 2484) return 14;
  if (mhz < 2412 || mhz > 2472 || (mhz - 2407) % 5 != 0) return 0;
  return static_cast<std::uint8_t>((mhz - 2407) / 5);
}

// 802.11 DCF timing (docs/behaviour.md, "Airtime"), microseconds.
inline constexpr std::uint32_t kSifsUs = 10;
inline constexpr std::uint32_t kDifsUs = 50;
inline constexpr std::uint32_t kSlotUs = 20;
inline constexpr std::uint32_t kCwMin = 31;
inline constexpr std::uint32_t kCwMax = 1023;
inline constexpr std::uint32_t kAckFrameBytes = 14;
// An ERP-OFDM frame at 2.4 GHz ends with 6 µs of signal extension: nothing is
// sent, but a receiver reports the frame's end (and so times SIFS and DIFS)
// only after it, so the medium counts as busy through it (SPEC §3 "Contention",
// the ERP-OFDM SIFS of "10 µs (+6 µs signal extension)").
inline constexpr std::uint32_t kSignalExtensionUs = 6;

// The signal extension following a frame at `rate`: 6 µs for OFDM, else 0.
std::uint32_t signal_extension_us(PhyRate rate) noexcept;
// How long a PPDU carrying `bytes` (the whole MPDU, FCS included) holds the
// medium: its TXTIME, an OFDM frame's signal extension included.
std::uint32_t airtime_us(PhyRate rate, std::uint32_t bytes) noexcept;
// The rate an ACK to a frame sent at `rate` uses: the basic rate, 1 Mbps
// after DSSS/CCK frames, 6 Mbps after OFDM ones; an LR frame's ACK keeps its
// rate (SPEC §3 "Contention").
PhyRate ack_rate(PhyRate rate) noexcept;
// What the Duration field of a unicast carries: SIFS + ACK (314 µs after a
// DSSS/CCK frame, 60 µs after an OFDM one: the ACK's 44 µs and its extension).
std::uint16_t unicast_duration_us(PhyRate rate) noexcept;

}  // namespace espnow
