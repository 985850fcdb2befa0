// Errors travel as std::error_code in the "espnow" category. ESP-NOW errors
// carry ESP-IDF's esp_err_t numbers and names (ESP_ERR_ESPNOW_*); the argument
// errors the seeds raise as ValueError/TypeError have codes of their own, so
// a binding can map every code to the exact exception.
#pragma once

#include <string_view>
#include <system_error>

namespace espnow {

enum class errc : int {
  // ESP-IDF's values: ESP_ERR_ESPNOW_BASE (0x3000 + 100) + n.
  not_init = 0x3065,
  arg = 0x3066,
  no_mem = 0x3067,
  full = 0x3068,
  not_found = 0x3069,
  internal = 0x306A,
  exist = 0x306B,
  intf = 0x306C,  // ESP_ERR_ESPNOW_IF
  chan = 0x306D,
  // errno values the seeds raise as OSError.
  no_entry = 2,     // ENOENT: `rate` set with no active WLAN interface
  timed_out = 110,  // ETIMEDOUT: earlier sync=False responses never came
  // ValueError in the seeds.
  bad_mac = 0x10001,          // a MAC that is not 6 bytes
  bad_key = 0x10002,          // a PMK/LMK that is not 16 bytes
  bad_config = 0x10003,       // unknown config name, or a bad value
  buffer_too_small = 0x10004, // recvinto's buffer shorter than the message
  list_too_short = 0x10005,   // recvinto's list has fewer than 2 elements
  not_callable = 0x10006,     // irq() given something that is not callable
  bad_channel = 0x10007,      // channel outside 0..14
  bad_ifidx = 0x10008,        // ifidx not 0 (STA) or 1 (AP)
  // TypeError in the seeds.
  not_a_list = 0x20001,       // recvinto's first argument is not a list
  not_a_buffer = 0x20002,     // a MAC or message that is not bytes-like
  too_many_args = 0x20003,
};

enum class ErrorKind { os_error, value_error, type_error };

const std::error_category& espnow_category() noexcept;
inline std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), espnow_category()}; }

// "ESP_ERR_ESPNOW_NOT_FOUND" for ESP-NOW codes; a short description otherwise.
std::string_view error_name(std::error_code ec) noexcept;
// Which Python exception the seeds raise for this code.
ErrorKind error_kind(std::error_code ec) noexcept;

}  // namespace espnow

template <>
struct std::is_error_code_enum<espnow::errc> : std::true_type {};
