#include "espnow/common/errors.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "espnow/common/result.hpp"

namespace espnow {
namespace {

class Category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "espnow"; }
  std::string message(int value) const override { return error_name({value, *this}); }
};

const char* espnow_name(int value) noexcept {
  switch (static_cast<errc>(value)) {
    case errc::fail: return "ESP_FAIL";
    case errc::invalid_arg: return "ESP_ERR_INVALID_ARG";
    case errc::invalid_state: return "ESP_ERR_INVALID_STATE";
    case errc::invalid_size: return "ESP_ERR_INVALID_SIZE";
    case errc::not_supported: return "ESP_ERR_NOT_SUPPORTED";
    case errc::timeout: return "ESP_ERR_TIMEOUT";
    case errc::wifi_not_init: return "ESP_ERR_WIFI_NOT_INIT";
    case errc::wifi_not_started: return "ESP_ERR_WIFI_NOT_STARTED";
    case errc::wifi_if: return "ESP_ERR_WIFI_IF";
    case errc::not_init: return "ESP_ERR_ESPNOW_NOT_INIT";
    case errc::arg: return "ESP_ERR_ESPNOW_ARG";
    case errc::no_mem: return "ESP_ERR_ESPNOW_NO_MEM";
    case errc::full: return "ESP_ERR_ESPNOW_FULL";
    case errc::not_found: return "ESP_ERR_ESPNOW_NOT_FOUND";
    case errc::internal: return "ESP_ERR_ESPNOW_INTERNAL";
    case errc::exist: return "ESP_ERR_ESPNOW_EXIST";
    case errc::intf: return "ESP_ERR_ESPNOW_IF";
    case errc::chan: return "ESP_ERR_ESPNOW_CHAN";
  }
  return nullptr;
}

// The errno values this library gives, by their symbolic names.
const char* errno_name(int value) noexcept {
  switch (value) {
    case ENOENT: return "ENOENT";
    case EINTR: return "EINTR";
    case EINVAL: return "EINVAL";
    case ENOMEM: return "ENOMEM";
    case EBUSY: return "EBUSY";
    case ENODEV: return "ENODEV";
    case EPERM: return "EPERM";
    case EACCES: return "EACCES";
    case EMSGSIZE: return "EMSGSIZE";
    case EADDRINUSE: return "EADDRINUSE";
    case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
    case ENETUNREACH: return "ENETUNREACH";
    case ETIMEDOUT: return "ETIMEDOUT";
    case EAGAIN: return "EAGAIN";
    default: return nullptr;
  }
}

}  // namespace

const std::error_category& espnow_category() noexcept {
  static const Category category;
  return category;
}

std::string error_name(std::error_code ec) {
  if (!ec) return "ok";
  const char* known = nullptr;
  if (ec.category() == espnow_category()) known = espnow_name(ec.value());
  else if (ec.category() == std::generic_category() || ec.category() == std::system_category())
    known = errno_name(ec.value());
  if (known) return known;
  if (ec.category() != espnow_category() && ec.category() != std::generic_category() &&
      ec.category() != std::system_category())
    return ec.message();  // a category of names, as "host" is
  return std::string(ec.category().name()) + ":" + std::to_string(ec.value());
}

std::string Error::message() const {
  std::string out = error_name(code_);
  if (!detail_.empty()) out += ": " + detail_;
  return out;
}

namespace detail {
void bad_result_access(const Error& error) noexcept {
  std::fprintf(stderr, "espnow: value() of a failed Result: %s\n", error.message().c_str());
  std::abort();
}
}  // namespace detail

}  // namespace espnow
