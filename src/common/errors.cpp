#include "espnow/common/errors.hpp"

#include <string>

namespace espnow {
namespace {

class Category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "espnow"; }
  std::string message(int value) const override {
    return std::string(error_name({value, *this}));
  }
};

}  // namespace

const std::error_category& espnow_category() noexcept {
  static const Category category;
  return category;
}

std::string_view error_name(std::error_code ec) noexcept {
  if (ec.category() != espnow_category()) return "not an espnow error";
  switch (static_cast<errc>(ec.value())) {
    case errc::not_init: return "ESP_ERR_ESPNOW_NOT_INIT";
    case errc::arg: return "ESP_ERR_ESPNOW_ARG";
    case errc::no_mem: return "ESP_ERR_ESPNOW_NO_MEM";
    case errc::full: return "ESP_ERR_ESPNOW_FULL";
    case errc::not_found: return "ESP_ERR_ESPNOW_NOT_FOUND";
    case errc::internal: return "ESP_ERR_ESPNOW_INTERNAL";
    case errc::exist: return "ESP_ERR_ESPNOW_EXIST";
    case errc::intf: return "ESP_ERR_ESPNOW_IF";
    case errc::chan: return "ESP_ERR_ESPNOW_CHAN";
    case errc::no_entry: return "ENOENT: no active WLAN interface";
    case errc::timed_out: return "ETIMEDOUT: responses to earlier sends did not come";
    case errc::bad_mac: return "invalid MAC address (must be 6 bytes)";
    case errc::bad_key: return "invalid key (must be 16 bytes)";
    case errc::bad_config: return "invalid config parameter or value";
    case errc::buffer_too_small: return "buffer too small for the message";
    case errc::list_too_short: return "list must have at least 2 elements";
    case errc::not_callable: return "callback is not callable";
    case errc::bad_channel: return "invalid channel (must be 0..14)";
    case errc::bad_ifidx: return "invalid ifidx (must be 0 (STA) or 1 (AP))";
    case errc::not_a_list: return "expected a list";
    case errc::not_a_buffer: return "expected a bytes-like object";
    case errc::too_many_args: return "too many positional arguments";
  }
  return "unknown espnow error";
}

ErrorKind error_kind(std::error_code ec) noexcept {
  const int v = ec.value();
  if (ec.category() != espnow_category()) return ErrorKind::os_error;
  if (v >= 0x20000) return ErrorKind::type_error;
  if (v >= 0x10000) return ErrorKind::value_error;
  return ErrorKind::os_error;
}

}  // namespace espnow
