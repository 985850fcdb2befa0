#include "espnow/host/espnow_filter.hpp"

#include <cstdio>

namespace espnow::host {
namespace {

// Tests on the 802.11 frame, spelled for one link type.
class Terms {
 public:
  explicit Terms(FilterLink link) : raw_(link == FilterLink::radiotap_in_ethernet) {}

  // Management, subtype Action. (libpcap's `subtype action` clashes with pflog's `action` keyword.)
  std::string action() const { return byte_is(0, "0xd0"); }
  std::string ack() const { return raw_ ? byte_is(0, "0xd4") : "wlan type ctl subtype ack"; }
  // Category 127 and Espressif's OUI, bytes 24..27.
  std::string espressif() const { return field(24, 4) + " = 0x7f18fe34"; }
  // Protected (CCMP): the category and OUI are encrypted, so they cannot be checked.
  std::string protected_frame() const { return "(" + field(1, 1) + " & 0x40) = 0x40"; }
  // Address 1 (receiver) or 2 (transmitter) is `mac`.
  std::string address(int n, const MacAddress& mac) const {
    if (!raw_) return "wlan addr" + std::to_string(n) + " " + std::string(mac.to_text().view());
    const auto& b = mac.bytes;
    char four[16], two[8];
    std::snprintf(four, sizeof four, "0x%02x%02x%02x%02x", b[0], b[1], b[2], b[3]);
    std::snprintf(two, sizeof two, "0x%02x%02x", b[4], b[5]);
    const int at = n == 1 ? 4 : 10;
    return "(" + field(at, 4) + " = " + four + " and " + field(at + 4, 2) + " = " + two + ")";
  }

 private:
  std::string field(int offset, int size) const {
    const std::string at = raw_ ? "(ether[2] | ether[3] << 8) + " + std::to_string(offset) : std::to_string(offset);
    return (raw_ ? "ether[" : "wlan[") + at + ":" + std::to_string(size) + "]";
  }
  std::string byte_is(int offset, const char* value) const { return field(offset, 1) + " = " + value; }
  bool raw_;
};

}  // namespace

std::string espnow_filter(FilterLink link, FilterScope scope, const MacAddress& us) {
  const Terms t(link);
  const std::string espnow = "(" + t.action() + " and " + t.espressif() + ")";
  const std::string encrypted = "(" + t.action() + " and " + t.protected_frame() + ")";
  if (scope == FilterScope::everything) return espnow + " or " + encrypted + " or (" + t.ack() + ")";
  const std::string to_us = t.address(1, us);
  const std::string to_us_or_all = "(" + to_us + " or " + t.address(1, MacAddress::broadcast()) + ")";
  return "(" + espnow + " and " + to_us_or_all + ")"           // ESP-NOW for us, or for everyone
         " or (" + encrypted + " and " + to_us + ")"           // encrypted unicast for us
         " or (" + t.ack() + " and " + to_us + ")"             // ACKs of our unicasts
         " or (" + t.action() + " and " + t.address(2, us) + ")";  // the kernel's TX-status reports of ours
}

}  // namespace espnow::host
