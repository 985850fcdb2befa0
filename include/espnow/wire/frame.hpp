// The ESP-NOW frame on the air (docs/behaviour.md, "The bytes on the air"):
// an 802.11 management Action frame, vendor category 127, Espressif OUI,
// then one vendor element per 250 bytes of message (one for v1; a chain with
// "more data" for v2), then the FCS.
//
// encode() and decode() are pure functions over caller-provided byte spans:
// no allocation, no exceptions, no reads outside the given span.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "espnow/wire/fcs.hpp"
#include "espnow/wire/mac_address.hpp"
#include "espnow/wire/phy.hpp"

namespace espnow::wire {

inline constexpr std::uint8_t kFrameControlAction = 0xD0;  // mgmt, subtype 13
inline constexpr std::uint8_t kFlagRetry = 0x08;           // second FC byte
inline constexpr std::uint8_t kFlagProtected = 0x40;       // second FC byte
inline constexpr std::uint8_t kCategoryVendor = 127;
inline constexpr std::array<std::uint8_t, 3> kEspressifOui{0x18, 0xFE, 0x34};
inline constexpr std::uint8_t kElementVendor = 221;
inline constexpr std::uint8_t kTypeEspNow = 4;
inline constexpr std::uint8_t kVersionMoreData = 0x10;

inline constexpr std::size_t kHeaderLen = 24;       // 802.11 management header
inline constexpr std::size_t kActionFixedLen = 8;   // category, OUI, random
inline constexpr std::size_t kElementOverhead = 7;  // id, len, OUI, type, version
inline constexpr std::size_t kCcmpHeaderLen = 8;
inline constexpr std::size_t kMicLen = 8;
inline constexpr std::size_t kMaxElementBody = 250;
inline constexpr std::size_t kMaxMessageV1 = 250;
inline constexpr std::size_t kMaxMessageV2 = 1470;

constexpr std::size_t element_count(std::size_t message_len) noexcept {
  return message_len == 0 ? 1 : (message_len + kMaxElementBody - 1) / kMaxElementBody;
}
// Bytes from the category byte to the end of the last element.
constexpr std::size_t action_body_size(std::size_t message_len) noexcept {
  return kActionFixedLen + element_count(message_len) * kElementOverhead + message_len;
}
// A whole unprotected frame, FCS included. Nothing may follow the last
// element but the FCS: receivers on ESP-IDF >= 5.3.2 drop such frames, and
// decode() refuses them too (trailing_bytes).
constexpr std::size_t frame_size(std::size_t message_len) noexcept {
  return kHeaderLen + action_body_size(message_len) + kFcsLen;
}
inline constexpr std::size_t kMaxFrameSize =
    kHeaderLen + kCcmpHeaderLen + action_body_size(kMaxMessageV2) + kMicLen + kFcsLen;

struct FrameParams {
  MacAddress dst{};
  MacAddress src{};
  std::uint16_t sequence = 0;  // 12-bit sequence number
  std::uint32_t random = 0;    // new per frame, kept on retries
  std::uint8_t version = 1;    // 1 or 2
  PhyRate rate = PhyRate::r1m; // for the unicast Duration field
  bool retry = false;
};

enum class EncodeError : std::uint8_t {
  ok,
  bad_version,        // not 1 or 2
  message_too_long,   // over 250 bytes for v1, over 1470 for v2
  buffer_too_small,
};
std::string_view to_string(EncodeError e) noexcept;

struct EncodeResult {
  std::size_t size = 0;  // bytes written, FCS included
  EncodeError error = EncodeError::ok;
  constexpr bool ok() const noexcept { return error == EncodeError::ok; }
};

EncodeResult encode(const FrameParams& params, std::span<const std::uint8_t> message,
                    std::span<std::uint8_t> out) noexcept;

// Sets or clears the retry bit of an encoded frame and refreshes its FCS.
void set_retry(std::span<std::uint8_t> frame_with_fcs, bool retry) noexcept;

enum class DecodeError : std::uint8_t {
  ok,
  too_short,
  not_action,          // frame control is not a management Action frame
  wrong_category,      // not 127 (vendor specific)
  wrong_oui,           // action OUI is not Espressif's
  wrong_element_id,    // not 221 (vendor specific element)
  wrong_element_oui,
  wrong_element_type,  // not 4 (ESP-NOW)
  bad_element_length,  // element length inconsistent with the frame
  bad_fcs,
  broken_chain,        // v2: more-data on the last element
  trailing_bytes,      // bytes after the last element (docs/behaviour.md, "The element-length rule")
  message_too_long,    // over 1470 bytes
  storage_too_small,   // a v2 chain does not fit the caller's storage
};
std::string_view to_string(DecodeError e) noexcept;

// present: the frame ends with an FCS, verified here. trusted: it ends with
// an FCS the radio already verified (hardware does), so it is only stripped.
// absent: no FCS.
enum class Fcs : std::uint8_t { present, trusted, absent };

struct FrameHeader {
  std::uint8_t fc0 = 0, fc1 = 0;  // frame control bytes
  std::uint16_t duration = 0;
  MacAddress dst, src, bssid;
  std::uint16_t sequence = 0;     // 12 bits
  std::uint8_t fragment = 0;      // 4 bits
  constexpr bool retry() const noexcept { return (fc1 & kFlagRetry) != 0; }
  constexpr bool is_protected() const noexcept { return (fc1 & kFlagProtected) != 0; }
  constexpr std::uint16_t sequence_control() const noexcept {
    return static_cast<std::uint16_t>(sequence << 4 | fragment);
  }
};

struct DecodedFrame {
  FrameHeader header;
  // For an encrypted frame only the header is decoded: `protected_body` then
  // holds the CCMP header, ciphertext and MIC for the CCMP layer.
  bool encrypted = false;
  std::span<const std::uint8_t> protected_body;
  std::uint32_t random = 0;
  std::uint8_t version = 0;  // low 4 bits of the first element's version byte
  std::size_t elements = 0;
  // The message: a view into the frame when it sits in one element,
  // otherwise into the caller's storage.
  std::span<const std::uint8_t> message;
};

struct DecodeResult {
  DecodedFrame frame;
  DecodeError error = DecodeError::ok;
  constexpr bool ok() const noexcept { return error == DecodeError::ok; }
};

DecodeResult decode(std::span<const std::uint8_t> bytes, Fcs fcs,
                    std::span<std::uint8_t> storage = {}) noexcept;

// Decodes from the category byte on (for the CCMP layer, after decryption).
// `header` is copied into the result.
DecodeResult decode_action_body(const FrameHeader& header, std::span<const std::uint8_t> body,
                                std::span<std::uint8_t> storage = {}) noexcept;

// Reads the 24-byte header (the caller checked the length).
FrameHeader read_header(std::span<const std::uint8_t, kHeaderLen> bytes) noexcept;

}  // namespace espnow::wire
