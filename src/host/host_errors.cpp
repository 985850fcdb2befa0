#include "espnow/host/host_errors.hpp"

#include <string>

namespace espnow::host {
namespace {

// Its messages are names ("HOST_PCAP"), as the espnow category's are
// ESP-IDF's: error_name() prints them, the Error's detail says the rest.
class Category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "host"; }
  std::string message(int value) const override {
    switch (static_cast<host_errc>(value)) {
      case host_errc::bad_spec: return "HOST_BAD_SPEC";
      case host_errc::no_interface: return "HOST_NO_INTERFACE";
      case host_errc::not_wireless: return "HOST_NOT_WIRELESS";
      case host_errc::not_monitor: return "HOST_NOT_MONITOR";
      case host_errc::bad_link_type: return "HOST_BAD_LINK_TYPE";
      case host_errc::pcap: return "HOST_PCAP";
      case host_errc::nl80211: return "HOST_NL80211";
    }
    return "host:" + std::to_string(value);
  }
};

}  // namespace

const std::error_category& host_category() noexcept {
  static const Category category;
  return category;
}

}  // namespace espnow::host
