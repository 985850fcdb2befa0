// Python arguments into C++ values, with the exceptions SPEC §1 names:
// MACs and messages from any bytes-like object (messages and keys also from
// str), ints for timeouts and options.
#pragma once

#include <pybind11/pybind11.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "espnow/wire/mac_address.hpp"

namespace espnow::py {

namespace pyb = pybind11;

// The bytes of a bytes-like object (or a str's UTF-8) for as long as the
// view lives. Use valid() to know whether `o` was one.
class ByteView {
 public:
  ByteView(pyb::handle o, bool allow_str);
  ~ByteView();
  ByteView(const ByteView&) = delete;
  ByteView& operator=(const ByteView&) = delete;
  bool valid() const { return valid_; }
  std::span<const std::uint8_t> bytes() const { return {data_, size_}; }

 private:
  Py_buffer buffer_{};
  bool has_buffer_ = false;
  bool valid_ = false;
  const std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
};

// A 6-byte MAC: TypeError if not bytes-like, ValueError if not 6 bytes.
MacAddress mac_arg(pyb::handle o);
// None, or a MAC as above.
std::optional<MacAddress> optional_mac_arg(pyb::handle o);
// A message: str or bytes-like, else TypeError.
ByteView& message_arg(ByteView& view, pyb::handle o);
// A timeout: None (the configured default) or an int, else ValueError.
std::optional<std::int64_t> timeout_arg(pyb::handle o);
// An int option: TypeError if not an int, ValueError if it does not fit.
std::int64_t int_arg(pyb::handle o, const char* what);

pyb::bytes to_bytes(std::span<const std::uint8_t> data);
pyb::bytes to_bytes(const MacAddress& mac);

}  // namespace espnow::py
