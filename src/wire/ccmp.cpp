#include "espnow/wire/ccmp.hpp"

#include <cstring>

#include <mbedtls/aes.h>

#include "espnow/wire/fcs.hpp"

namespace espnow::wire {
namespace {

constexpr std::size_t kNonceLen = 13;
constexpr std::size_t kAadLen = 22;
constexpr std::uint8_t kExtIvKeyId3 = 0xE0;  // ExtIV, key id 3

void build_nonce(const std::uint8_t* header, std::uint64_t pn, std::uint8_t* nonce) {
  nonce[0] = 0x00;  // not the 0x10 of protected management frames
  std::memcpy(nonce + 1, header + 10, 6);  // A2
  for (int i = 0; i < 6; ++i) nonce[7 + i] = static_cast<std::uint8_t>(pn >> (8 * (5 - i)));
}

// As 802.11 builds it for data frames: subtype bits, Retry, PwrMgt and
// MoreData cleared, Protected set; the addresses; the fragment bits only.
void build_aad(const std::uint8_t* header, std::uint8_t* aad) {
  aad[0] = static_cast<std::uint8_t>(header[0] & 0x8F);
  aad[1] = static_cast<std::uint8_t>((header[1] & ~(0x08 | 0x10 | 0x20)) | kFlagProtected);
  std::memcpy(aad + 2, header + 4, 18);
  aad[20] = static_cast<std::uint8_t>(header[22] & 0x0F);
  aad[21] = 0;
}

void write_ccmp_header(std::uint8_t* p, std::uint64_t pn) {
  p[0] = static_cast<std::uint8_t>(pn);
  p[1] = static_cast<std::uint8_t>(pn >> 8);
  p[2] = 0;
  p[3] = kExtIvKeyId3;
  for (int i = 0; i < 4; ++i) p[4 + i] = static_cast<std::uint8_t>(pn >> (16 + 8 * i));
}

std::uint64_t parse_pn(const std::uint8_t* p) {
  std::uint64_t pn = static_cast<std::uint64_t>(p[0]) | static_cast<std::uint64_t>(p[1]) << 8;
  for (int i = 0; i < 4; ++i) pn |= static_cast<std::uint64_t>(p[4 + i]) << (16 + 8 * i);
  return pn;
}

CcmpResult fail(CcmpError e) {
  CcmpResult r;
  r.error = e;
  return r;
}

}  // namespace

std::string_view to_string(CcmpError e) noexcept {
  switch (e) {
    case CcmpError::ok: return "ok";
    case CcmpError::too_short: return "too short for CCMP";
    case CcmpError::not_protected: return "Protected bit in the wrong state";
    case CcmpError::bad_ccmp_header: return "CCMP header without ExtIV";
    case CcmpError::mic_failure: return "MIC failure";
    case CcmpError::buffer_too_small: return "output buffer too small";
    case CcmpError::pn_exhausted: return "packet number beyond 48 bits";
  }
  return "unknown";
}

Key128 temporal_key(std::span<const std::uint8_t, 16> pmk, std::span<const std::uint8_t, 16> lmk) noexcept {
  Key128 tk{};
  mbedtls_aes_context aes;
  mbedtls_aes_init(&aes);
  mbedtls_aes_setkey_enc(&aes, pmk.data(), 128);
  mbedtls_aes_crypt_ecb(&aes, MBEDTLS_AES_ENCRYPT, lmk.data(), tk.data());
  mbedtls_aes_free(&aes);
  return tk;
}

CcmpCipher::CcmpCipher(const Key128& tk) noexcept {
  mbedtls_ccm_init(&ccm_);
  mbedtls_ccm_setkey(&ccm_, MBEDTLS_CIPHER_ID_AES, tk.data(), 128);
}

CcmpCipher::~CcmpCipher() { mbedtls_ccm_free(&ccm_); }

CcmpResult CcmpCipher::protect(std::span<const std::uint8_t> frame, std::uint64_t pn,
                               std::span<std::uint8_t> out) noexcept {
  if (frame.size() < kHeaderLen + 1 + kFcsLen) return fail(CcmpError::too_short);
  if (frame[1] & kFlagProtected) return fail(CcmpError::not_protected);
  if (pn > kMaxPn) return fail(CcmpError::pn_exhausted);
  const std::size_t body = frame.size() - kHeaderLen - kFcsLen;
  const std::size_t size = frame.size() + kCcmpOverhead;
  if (out.size() < size) return fail(CcmpError::buffer_too_small);
  std::uint8_t* p = out.data();
  std::memcpy(p, frame.data(), kHeaderLen);
  p[1] = static_cast<std::uint8_t>(p[1] | kFlagProtected);
  write_ccmp_header(p + kHeaderLen, pn);
  std::uint8_t nonce[kNonceLen], aad[kAadLen];
  build_nonce(p, pn, nonce);
  build_aad(p, aad);
  std::uint8_t* cipher = p + kHeaderLen + kCcmpHeaderLen;
  mbedtls_ccm_encrypt_and_tag(&ccm_, body, nonce, kNonceLen, aad, kAadLen, frame.data() + kHeaderLen, cipher,
                              cipher + body, kMicLen);
  write_fcs(out.first(size));
  return {size, pn, CcmpError::ok};
}

CcmpResult CcmpCipher::unprotect(std::span<const std::uint8_t> frame, std::span<std::uint8_t> out) noexcept {
  if (frame.size() < kHeaderLen + kCcmpOverhead + 1 + kFcsLen) return fail(CcmpError::too_short);
  if (!(frame[1] & kFlagProtected)) return fail(CcmpError::not_protected);
  const std::uint8_t* ccmp = frame.data() + kHeaderLen;
  if (!(ccmp[3] & 0x20)) return fail(CcmpError::bad_ccmp_header);
  const std::uint64_t pn = parse_pn(ccmp);
  const std::size_t body = frame.size() - kHeaderLen - kCcmpOverhead - kFcsLen;
  const std::size_t size = kHeaderLen + body;
  if (out.size() < size) return fail(CcmpError::buffer_too_small);
  std::uint8_t nonce[kNonceLen], aad[kAadLen];
  build_nonce(frame.data(), pn, nonce);
  build_aad(frame.data(), aad);
  const std::uint8_t* cipher = ccmp + kCcmpHeaderLen;
  std::uint8_t* p = out.data();
  if (mbedtls_ccm_auth_decrypt(&ccm_, body, nonce, kNonceLen, aad, kAadLen, cipher, p + kHeaderLen, cipher + body,
                               kMicLen) != 0) {
    std::memset(p + kHeaderLen, 0, body);  // never leave unauthenticated plaintext behind
    CcmpResult r = fail(CcmpError::mic_failure);
    r.pn = pn;
    return r;
  }
  std::memcpy(p, frame.data(), kHeaderLen);
  p[1] = static_cast<std::uint8_t>(p[1] & ~kFlagProtected);
  return {size, pn, CcmpError::ok};
}

bool read_pn(std::span<const std::uint8_t> frame, std::uint64_t& pn) noexcept {
  if (frame.size() < kHeaderLen + kCcmpHeaderLen || !(frame[1] & kFlagProtected)) return false;
  pn = parse_pn(frame.data() + kHeaderLen);
  return true;
}

}  // namespace espnow::wire
