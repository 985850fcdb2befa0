// The Python exceptions the seeds name, raised from error codes: ESP-NOW
// errors as OSError(-code, "ESP_ERR_ESPNOW_<NAME>") (so err.args[1] is the
// name, as the seeds' example relies on), errno values as OSError(errno,
// text), and the argument errors as ValueError or TypeError (SPEC §1).
#pragma once

#include <pybind11/pybind11.h>

#include <string>
#include <system_error>

#include "espnow/common/result.hpp"

namespace espnow::py {

[[noreturn]] void raise_error(std::error_code ec);
[[noreturn]] void raise_value_error(const std::string& message);
[[noreturn]] void raise_type_error(const std::string& message);

// The exception raise_error(ec) raises, as an object (for a future to carry).
pybind11::object error_object(std::error_code ec);

inline void check(std::error_code ec) {
  if (ec) raise_error(ec);
}

template <class T>
T unwrap(Result<T> r) {
  if (!r) raise_error(r.error());
  return std::move(*r);
}

}  // namespace espnow::py
