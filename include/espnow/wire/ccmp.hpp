// CCMP for ESP-NOW unicast frames (docs/behaviour.md, "Encryption"), on
// mbedTLS (ESP-IDF's own crypto library): temporal key =
// AES-128-ECB(PMK, LMK); AES-CCM with an 8-byte MIC and L = 2; a 13-byte
// nonce 0x00 | A2 | PN5..PN0; a 22-byte AAD of the masked frame control
// (80 40), A1, A2, A3 and the fragment bits of the sequence control.
// Everything from the category byte to the end of the last element is
// encrypted. No allocation: caller-provided buffers.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include <mbedtls/ccm.h>

#include "espnow/wire/frame.hpp"

namespace espnow::wire {

using Key128 = std::array<std::uint8_t, 16>;

inline constexpr std::uint64_t kMaxPn = (1ull << 48) - 1;
inline constexpr std::size_t kCcmpOverhead = kCcmpHeaderLen + kMicLen;

// AES-128-ECB(key = PMK, data = LMK).
Key128 temporal_key(std::span<const std::uint8_t, 16> pmk, std::span<const std::uint8_t, 16> lmk) noexcept;

enum class CcmpError : std::uint8_t {
  ok,
  too_short,          // not even a header, CCMP header and MIC
  not_protected,      // unprotect: the Protected bit is clear; protect: it is already set
  bad_ccmp_header,    // ExtIV clear
  mic_failure,        // wrong key, or the frame was altered
  buffer_too_small,
  pn_exhausted,       // PN beyond 48 bits
};
std::string_view to_string(CcmpError e) noexcept;

struct CcmpResult {
  std::size_t size = 0;   // bytes written, FCS included
  std::uint64_t pn = 0;
  CcmpError error = CcmpError::ok;
  constexpr bool ok() const noexcept { return error == CcmpError::ok; }
};

// A temporal key, scheduled once, for any number of frames. Not thread-safe:
// one per peer (or guard it).
class CcmpCipher {
 public:
  explicit CcmpCipher(const Key128& tk) noexcept;
  ~CcmpCipher();
  CcmpCipher(const CcmpCipher&) = delete;
  CcmpCipher& operator=(const CcmpCipher&) = delete;

  // An unprotected frame (FCS included) to its protected form with packet
  // number `pn` (FCS included).
  CcmpResult protect(std::span<const std::uint8_t> frame, std::uint64_t pn, std::span<std::uint8_t> out) noexcept;
  // A protected frame (FCS included; not checked here) back to the plaintext
  // frame, without an FCS (it never goes on the air), and its packet number.
  CcmpResult unprotect(std::span<const std::uint8_t> frame, std::span<std::uint8_t> out) noexcept;

 private:
  mbedtls_ccm_context ccm_;
};

// The packet number of a protected frame, without decrypting it.
bool read_pn(std::span<const std::uint8_t> protected_frame, std::uint64_t& pn) noexcept;

}  // namespace espnow::wire
