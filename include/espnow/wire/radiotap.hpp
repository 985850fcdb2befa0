// Radiotap: the per-packet radio header of monitor-mode captures and
// injection (pcap link type 127). The builder writes the fields ESP-NOW needs;
// the parser walks any header, extended present bitmaps and vendor
// namespaces included, honouring natural alignment from the header start.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "espnow/wire/phy.hpp"

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

// What our captures say of a frame on `channel` at `rate`: the FCS flag
// (the frames keep theirs), the rate where radiotap's 500 kbps steps hold
// it (LR 250K goes without) and the channel with its CCK or OFDM flag.
RadiotapFields capture_fields(PhyRate rate, std::uint8_t channel) noexcept;

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

// ---- Captured packets, as every reader takes them (docs/behaviour.md, "Captures and the FCS rule")
//
// A monitor interface or a capture file gives radiotap + 802.11 frame (pcap
// link type 127), or the bare frame (105). The frame ends with an FCS only
// when the radiotap Flags field says so (0x10): most drivers strip it, so a
// frame without Flags, or with the bit clear, has none; nor has link type
// 105. Flags bit 0x40: the driver received the frame with a bad FCS.
// read_captured() is the one place this rule lives: `capture -r`, the Linux
// radio and its replay mode all read packets through it.
enum class CaptureLink : int { ieee80211 = 105, radiotap = 127 };
constexpr bool is_capture_link(int link_type) noexcept {
  return link_type == static_cast<int>(CaptureLink::ieee80211) || link_type == static_cast<int>(CaptureLink::radiotap);
}

enum class CaptureStatus : std::uint8_t {
  ok,
  bad_radiotap,  // the radiotap header is unusable (radiotap_error says why)
  bad_fcs,       // the FCS does not match, or the driver flagged the frame (0x40)
  too_short,     // no frame, or less than the FCS it announces
  too_long,      // no room in the caller's storage to append the FCS
};
std::string_view to_string(CaptureStatus s) noexcept;

struct CapturedFrame {
  CaptureStatus status = CaptureStatus::ok;
  RadiotapError radiotap_error = RadiotapError::ok;
  RadiotapFields fields;  // none for link type 105
  // The 802.11 frame ending with a good FCS, the form the rest of the stack
  // takes: the capture's own FCS, verified, or one computed into `storage`
  // for a frame captured without.
  std::span<const std::uint8_t> frame;
  bool fcs_captured = false;  // the FCS came with the packet
  constexpr bool ok() const noexcept { return status == CaptureStatus::ok; }
};

// `storage` holds the frame when its FCS has to be appended; it needs the
// frame's size plus kFcsLen bytes.
CapturedFrame read_captured(std::span<const std::uint8_t> packet, CaptureLink link,
                            std::span<std::uint8_t> storage) noexcept;

}  // namespace espnow::wire
