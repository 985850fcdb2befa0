// A command from MQTT to send a message: the topic's destination and the
// payload (raw bytes, or the JSON form), read into a request or a named
// error. Nothing here trusts the payload.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "espnow/wire/mac_address.hpp"

namespace espnow::gateway {

struct TxRequest {
  MacAddress dst;
  std::vector<std::uint8_t> data;
  bool sync = true;             // report the ACK; false: report once handed to the radio
  std::string id_json = "null"; // the command's "id", as JSON, echoed on txresult
};

// A command that cannot be carried out. `error` is one of the names listed
// in docs/gateway.md (bad_mac, bad_json, bad_field, no_data, bad_base64,
// bad_hex, empty, too_long); `detail` says what exactly, for a person.
struct TxRejection {
  std::string error;
  std::string detail;
  std::string id_json = "null";
};

struct TxParse {
  std::optional<TxRequest> request;
  TxRejection rejection;  // when there is no request
};

// `dst_text` is the topic level after tx/; `json` says the topic ends in
// /json. `max_len` is the longest message the link carries.
TxParse parse_tx_command(std::string_view dst_text, bool json, std::string_view payload, std::size_t max_len);

}  // namespace espnow::gateway
