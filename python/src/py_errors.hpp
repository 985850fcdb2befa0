// The Python exceptions the seeds name (SPEC §1).
//
// Errors from C++ (a std::error_code, or a Result's Error) become OSError:
// an espnow-category code as OSError(-code, "ESP_ERR_ESPNOW_<NAME>") (so
// err.args[1] is the name, as the seeds' example relies on), an errno value
// as OSError(errno, text) (CPython then picks TimeoutError,
// FileNotFoundError...).
//
// The seeds' ValueError and TypeError are about Python arguments, so they
// live here, not in the C++ error codes: the binding checks each argument
// before it calls C++ and raises the ArgError the seeds raise.
#pragma once

#include <pybind11/pybind11.h>

#include <string>
#include <system_error>

#include "espnow/common/result.hpp"

namespace espnow::py {

// Makes the module's BoardOSError, the OSError that ESP-IDF codes are
// raised as: an OSError that prints as MicroPython prints one (its args'
// tuple) and is named OSError in a traceback. Once, at the module's import.
void bind_errors(pybind11::module_& m);

// The seeds' argument errors, each raised as ValueError or TypeError.
enum class ArgError {
  // ValueError
  bad_mac,           // a MAC that is not 6 bytes
  bad_key,           // a PMK/LMK that is not 16 bytes
  bad_config,        // unknown config name, or a bad value
  buffer_too_small,  // recvinto's buffer shorter than the message
  list_too_short,    // recvinto's list has fewer than 2 elements
  not_callable,      // irq() given something that is not callable
  bad_channel,       // channel outside 0..14
  bad_ifidx,         // ifidx not 0 (STA) or 1 (AP)
  // TypeError
  not_a_list,        // recvinto's first argument is not a list
  not_a_buffer,      // a MAC or message that is not bytes-like
  too_many_args,
};

// Raises ValueError or TypeError, as the seeds do for `e`; `detail`
// replaces the standard message.
[[noreturn]] void raise_arg_error(ArgError e, const std::string& detail = {});
[[noreturn]] void raise_error(std::error_code ec);
[[noreturn]] void raise_error(const Error& error);
[[noreturn]] void raise_value_error(const std::string& message);
[[noreturn]] void raise_type_error(const std::string& message);

// The exception raise_error(ec) raises, as an object (for a future to carry).
pybind11::object error_object(std::error_code ec);

inline void check(std::error_code ec) {
  if (ec) raise_error(ec);
}

inline void check(const Result<void>& r) {
  if (!r.ok()) raise_error(r.failure());
}

template <class T>
T unwrap(Result<T> r) {
  if (!r.ok()) raise_error(r.failure());
  return std::move(r).value();
}

}  // namespace espnow::py
