#include "py_aes.hpp"

#include <mbedtls/aes.h>

#include <string>
#include <string_view>

namespace espnow::py {
namespace {

pybind11::bytes aes_ecb(pybind11::bytes key, pybind11::bytes data, bool encrypt) {
  const std::string_view k = key, in = data;
  if (k.size() != 16 && k.size() != 24 && k.size() != 32) throw pybind11::value_error("key");
  if (in.size() % 16 != 0) throw pybind11::value_error("blksize % 16");
  mbedtls_aes_context aes;
  mbedtls_aes_init(&aes);
  const auto* key_bytes = reinterpret_cast<const unsigned char*>(k.data());
  const auto bits = static_cast<unsigned>(k.size() * 8);
  if (encrypt) mbedtls_aes_setkey_enc(&aes, key_bytes, bits);
  else mbedtls_aes_setkey_dec(&aes, key_bytes, bits);
  std::string out(in.size(), '\0');
  for (std::size_t at = 0; at < in.size(); at += 16)
    mbedtls_aes_crypt_ecb(&aes, encrypt ? MBEDTLS_AES_ENCRYPT : MBEDTLS_AES_DECRYPT,
                          reinterpret_cast<const unsigned char*>(in.data() + at),
                          reinterpret_cast<unsigned char*>(out.data() + at));
  mbedtls_aes_free(&aes);
  return pybind11::bytes(out);
}

}  // namespace

void bind_aes(pybind11::module_& m) {
  m.def("aes_ecb", &aes_ecb, pybind11::arg("key"), pybind11::arg("data"), pybind11::arg("encrypt"),
        "Each 16-byte block of data through AES (ECB) with a 16-, 24- or 32-byte key: cryptolib's block operation.");
}

}  // namespace espnow::py
