// Radiotap: the per-packet radio header of monitor-mode captures and
// injection (pcap link type 127). The builder writes the fields ESP-NOW needs;
// the parser walks any header, extended present bitmaps and vendor
// namespaces included, honouring natural alignment from the header start.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace espnow::wire {

inline constexpr std::uint8_t kRadiotapFlagFcs = 0x10;       // frame ends with an FCS
inline constexpr std::uint8_t kRadiotapFlagBadFcs = 0x40;
inline constexpr std::uint16_t kRadiotapChanCck = 0x0020;
inline constexpr std::uint16_t kRadiotapChan2Ghz = 0x0080;
inline constexpr std::uint16_t kRadiotapChanOfdm = 0x0040;
inline constexpr std::uint16_t kRadiotapTxFail = 0x0001;
inline constexpr std::uint16_t kRadiotapTxNoAck = 0x0008;

struct RadiotapFields {
  bool has_flags = false;
  std::uint8_t flags = 0;
  bool has_rate = false;
  std::uint8_t rate_500kbps = 0;
  bool has_channel = false;
  std::uint16_t channel_mhz = 0;
  std::uint16_t channel_flags = 0;
  bool has_signal = false;
  std::int8_t signal_dbm = 0;
  bool has_tx_flags = false;
  std::uint16_t tx_flags = 0;
  bool has_tsft = false;
  std::uint64_t tsft_us = 0;
};

// Size of the header build_radiotap() writes for these fields.
std::size_t radiotap_size(const RadiotapFields& f) noexcept;
// Writes the header; returns its length, or 0 if `out` is too small.
std::size_t build_radiotap(const RadiotapFields& f, std::span<std::uint8_t> out) noexcept;

enum class RadiotapError : std::uint8_t {
  ok,
  too_short,       // fewer than 8 bytes, or it_len beyond the data
  bad_version,     // it_version is not 0
  bad_length,      // it_len smaller than the bitmaps it announces
  truncated,       // a known field runs past it_len
  unknown_field,   // stopped at a field whose size is unknown; fields before it are valid
};
std::string_view to_string(RadiotapError e) noexcept;

struct RadiotapParse {
  RadiotapFields fields;
  std::size_t length = 0;   // it_len: where the 802.11 frame starts (0 if unusable)
  RadiotapError error = RadiotapError::ok;
  // The frame after the header can be used even if some field was unknown.
  constexpr bool usable() const noexcept {
    return error == RadiotapError::ok || error == RadiotapError::unknown_field;
  }
};

RadiotapParse parse_radiotap(std::span<const std::uint8_t> bytes) noexcept;

}  // namespace espnow::wire
