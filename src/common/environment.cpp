#include "espnow/common/environment.hpp"

#include <cstdlib>
#include <string>
#include <string_view>

namespace espnow {

Result<int> parse_protocol_version(const char* text) {
  const std::string_view value = text ? text : "";
  if (value.empty() || value == "1") return 1;
  if (value == "2") return 2;
  return Error(std::errc::invalid_argument, "ESPNOW_VERSION='" + std::string(value) +
                                                "' is not an ESP-NOW version: use 1 (ESP-IDF before 5.4, 250-byte messages) "
                                                "or 2 (ESP-IDF 5.4 and later, 1470-byte messages)");
}

Result<int> protocol_version_from_environment() { return parse_protocol_version(std::getenv("ESPNOW_VERSION")); }

}  // namespace espnow
