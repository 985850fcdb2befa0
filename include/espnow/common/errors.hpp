// One error idiom: a std::error_code, and where a person needs one, a
// detail string (Error). ESP-NOW's own errors are in the "espnow" category
// with ESP-IDF's esp_err_t numbers and names (ESP_ERR_ESPNOW_*, and the
// general ESP-IDF codes an esp_now/esp_wifi call can give). errno values
// (ETIMEDOUT, ENOENT, EINTR, socket failures) are std::generic_category() /
// std::system_category() codes; the host library adds a "host" category
// (libpcap, nl80211: host/host_errors.hpp).
//
// There is no code here for a caller's Python-level mistake (a MAC that is
// not bytes, a list too short): the Python binding checks its arguments and
// raises the seeds' ValueError/TypeError itself (python/src/py_errors.hpp).
// A bad argument that reaches C++ is errc::arg, with a detail saying which.
#pragma once

#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace espnow {

// ESP-IDF's esp_err_t values, named after them.
enum class errc : int {
  fail = -1,              // ESP_FAIL
  invalid_arg = 0x102,    // ESP_ERR_INVALID_ARG
  invalid_state = 0x103,  // ESP_ERR_INVALID_STATE
  invalid_size = 0x104,   // ESP_ERR_INVALID_SIZE
  not_supported = 0x106,  // ESP_ERR_NOT_SUPPORTED
  timeout = 0x107,        // ESP_ERR_TIMEOUT
  wifi_not_init = 0x3001, // ESP_ERR_WIFI_NOT_INIT
  wifi_not_started = 0x3002,
  wifi_if = 0x3004,       // ESP_ERR_WIFI_IF
  // ESP_ERR_ESPNOW_BASE (0x3000 + 100) + n.
  not_init = 0x3065,
  arg = 0x3066,
  no_mem = 0x3067,
  full = 0x3068,
  not_found = 0x3069,
  internal = 0x306A,
  exist = 0x306B,
  intf = 0x306C,  // ESP_ERR_ESPNOW_IF
  chan = 0x306D,
};

const std::error_category& espnow_category() noexcept;
inline std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), espnow_category()}; }

// "ESP_ERR_ESPNOW_NOT_FOUND" for an espnow code (ESP-IDF's esp_err_to_name);
// the symbolic errno name ("ETIMEDOUT") for a generic or system code;
// otherwise "<category>:<value>". Fit for a log line or a test failure.
std::string error_name(std::error_code ec);

// An error code with what a person needs to act on it: which argument was
// wrong, which interface refused, the command that fixes it. The detail
// may be empty; code() is never success.
class Error {
 public:
  Error(std::error_code code, std::string detail = {}) : code_(code), detail_(std::move(detail)) {}  // NOLINT
  Error(errc e, std::string detail = {}) : Error(make_error_code(e), std::move(detail)) {}           // NOLINT
  template <class E>
    requires std::is_error_condition_enum_v<E>
  Error(E e, std::string detail = {}) : Error(std::make_error_code(e), std::move(detail)) {}  // NOLINT: std::errc

  std::error_code code() const noexcept { return code_; }
  const std::string& detail() const noexcept { return detail_; }
  // "ESP_ERR_ESPNOW_ARG: lmk must be 16 bytes" (or the name alone).
  std::string message() const;

 private:
  std::error_code code_;
  std::string detail_;
};

}  // namespace espnow

template <>
struct std::is_error_code_enum<espnow::errc> : std::true_type {};
