// The gateway's topic layout (docs/gateway.md), in one place:
//   PREFIX/GW/status              online | offline (retained; offline is the last will)
//   PREFIX/rx/SRC                 the payload's raw bytes, from any gateway
//   PREFIX/GW/rx/SRC              the same, from this gateway
//   PREFIX/GW/rx/SRC/json         the message with its metadata
//   PREFIX/GW/rx/SRC/decoded      its fields, when a decoder applies to SRC
//   PREFIX/GW/rx/SRC/esp-now/TYPE the payload of an esp-now component frame of TYPE
//   PREFIX/GW/tx/DST[/json]       commands (subscribed)
//   PREFIX/GW/txresult/DST        their outcome
//   PREFIX/GW/peers/SRC           each sender heard (retained)
//   PREFIX/GW/stats               counters, every --stats-interval seconds
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "espnow/wire/mac_address.hpp"

namespace espnow::gateway {

// 12 lower-case hex digits: a MAC as topics write it.
std::string mac_hex(const MacAddress& mac);

class Topics {
 public:
  Topics(std::string prefix, std::string gw) : prefix_(std::move(prefix)), gw_(std::move(gw)) {}
  const std::string& gw() const { return gw_; }

  std::string status() const { return base() + "status"; }
  std::string rx_any(const MacAddress& src) const { return prefix_ + "/rx/" + mac_hex(src); }
  std::string rx(const MacAddress& src) const { return base() + "rx/" + mac_hex(src); }
  std::string rx_json(const MacAddress& src) const { return rx(src) + "/json"; }
  std::string rx_decoded(const MacAddress& src) const { return rx(src) + "/decoded"; }
  std::string rx_component(const MacAddress& src, const char* type) const { return rx(src) + "/esp-now/" + type; }
  std::string tx_pattern() const { return base() + "tx/+"; }
  std::string tx_json_pattern() const { return base() + "tx/+/json"; }
  std::string txresult(std::string_view dst) const { return base() + "txresult/" + std::string(dst); }
  std::string peer(const MacAddress& src) const { return base() + "peers/" + mac_hex(src); }
  std::string stats() const { return base() + "stats"; }

  // A command's topic: its DST level and whether it is the JSON form;
  // nothing for a topic that is not a command of this gateway.
  struct Command {
    std::string dst;
    bool json = false;
  };
  std::optional<Command> parse_command(std::string_view topic) const;

 private:
  std::string base() const { return prefix_ + "/" + gw_ + "/"; }
  std::string prefix_, gw_;
};

}  // namespace espnow::gateway
