// AES-ECB over mbedTLS (the library the core already uses for CCMP), for
// the Python layer's cryptolib: the modes MicroPython offers (ECB, CBC, CTR)
// are built on this one block operation in cryptolib.py.
#pragma once

#include <pybind11/pybind11.h>

namespace espnow::py {

// _espnow.aes_ecb(key, data, encrypt) -> bytes: each 16-byte block of `data`
// (its length a multiple of 16) through AES with a 16-, 24- or 32-byte key.
void bind_aes(pybind11::module_& m);

}  // namespace espnow::py
