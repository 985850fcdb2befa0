// CCMP protect + unprotect of a 250-byte message's frame, against mbedTLS
// CCM alone (encrypt and tag, then authenticated decrypt) over the same bytes.
#include <vector>

#include <mbedtls/ccm.h>

#include "espnow/wire/ccmp.hpp"
#include "harness.hpp"

using namespace espnow;

int main() {
  const std::vector<std::uint8_t> msg(250, 0x33);
  std::vector<std::uint8_t> frame(wire::kMaxFrameSize), prot(wire::kMaxFrameSize), back(wire::kMaxFrameSize);
  frame.resize(wire::encode({.dst = MacAddress{{2, 0, 0, 0, 0, 2}}, .src = MacAddress{{2, 0, 0, 0, 0, 1}}}, msg, frame).size);
  const wire::Key128 tk{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  wire::CcmpCipher cipher(tk);
  std::uint64_t pn = 0;
  auto ours = [&](std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      const auto p = cipher.protect(frame, ++pn, prot);
      bench::keep(cipher.unprotect(std::span(prot).first(p.size), back).size);
    }
  };

  mbedtls_ccm_context ccm;
  mbedtls_ccm_init(&ccm);
  mbedtls_ccm_setkey(&ccm, MBEDTLS_CIPHER_ID_AES, tk.data(), 128);
  const std::size_t body = frame.size() - wire::kHeaderLen - wire::kFcsLen;
  std::uint8_t nonce[13] = {}, aad[22] = {}, tag[8];
  std::vector<std::uint8_t> sealed(body), opened(body);
  auto bare = [&](std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      mbedtls_ccm_encrypt_and_tag(&ccm, body, nonce, 13, aad, 22, frame.data() + wire::kHeaderLen, sealed.data(), tag, 8);
      bench::keep(mbedtls_ccm_auth_decrypt(&ccm, body, nonce, 13, aad, 22, sealed.data(), opened.data(), tag, 8));
    }
  };
  const auto [value, base] = bench::compare_rates(ours, bare, 50000);
  bench::report_ratio("ccmp.protect_unprotect_250B", value, "frames/s", base, 0.85);
  mbedtls_ccm_free(&ccm);
  return 0;
}
