#include "tx_command.hpp"

#include <nlohmann/json.hpp>

#include "base64.hpp"
#include "gateway_options.hpp"

namespace espnow::gateway {
namespace {

TxParse reject(std::string error, std::string detail, std::string id_json = "null") {
  TxParse p;
  p.rejection = {std::move(error), std::move(detail), std::move(id_json)};
  return p;
}

// The message a JSON command carries: exactly one of data_b64, data_hex, text.
TxParse read_json_command(TxRequest r, std::string_view payload) {
  const nlohmann::json doc = nlohmann::json::parse(payload, nullptr, false);
  if (doc.is_discarded()) return reject("bad_json", "the payload is not JSON");
  if (!doc.is_object()) return reject("bad_json", "the payload is JSON but not an object");
  if (auto id = doc.find("id"); id != doc.end()) {
    if (!id->is_string() && !id->is_number() && !id->is_null()) return reject("bad_field", "\"id\" must be a string or a number");
    r.id_json = id->dump();
  }
  if (auto sync = doc.find("sync"); sync != doc.end()) {
    if (!sync->is_boolean()) return reject("bad_field", "\"sync\" must be true or false", r.id_json);
    r.sync = sync->get<bool>();
  }
  int given = 0;
  for (const char* key : {"data_b64", "data_hex", "text"}) {
    auto it = doc.find(key);
    if (it == doc.end()) continue;
    if (!it->is_string()) return reject("bad_field", std::string("\"") + key + "\" must be a string", r.id_json);
    ++given;
    const std::string& v = it->get_ref<const std::string&>();
    if (std::string_view(key) == "text") {
      r.data.assign(v.begin(), v.end());
    } else {
      auto bytes = std::string_view(key) == "data_b64" ? base64_decode(v) : hex_decode(v);
      if (!bytes) return reject(key == std::string_view("data_b64") ? "bad_base64" : "bad_hex",
                                std::string("\"") + key + "\" does not decode", r.id_json);
      r.data = std::move(*bytes);
    }
  }
  if (given == 0) return reject("no_data", "give one of \"data_b64\", \"data_hex\", \"text\"", r.id_json);
  if (given > 1) return reject("bad_field", "give only one of \"data_b64\", \"data_hex\", \"text\"", r.id_json);
  TxParse p;
  p.request = std::move(r);
  return p;
}

// The command's "id", when the payload is a JSON object with a usable one:
// so that even a command with a bad destination is answered with its id.
std::string id_of(std::string_view payload) {
  const nlohmann::json doc = nlohmann::json::parse(payload, nullptr, false);
  if (!doc.is_object()) return "null";
  const auto id = doc.find("id");
  return id != doc.end() && (id->is_string() || id->is_number()) ? id->dump() : "null";
}

}  // namespace

TxParse parse_tx_command(std::string_view dst_text, bool json, std::string_view payload, std::size_t max_len) {
  TxRequest r;
  const auto dst = MacAddress::parse(dst_text);
  if (!dst)
    return reject("bad_mac", "'" + std::string(dst_text) + "' is not a MAC (12 hex digits)", json ? id_of(payload) : "null");
  r.dst = *dst;
  TxParse p;
  if (json) {
    p = read_json_command(std::move(r), payload);
    if (!p.request) return p;
  } else {
    r.data.assign(payload.begin(), payload.end());
    p.request = std::move(r);
  }
  const std::size_t n = p.request->data.size();
  if (n == 0) return reject("empty", "ESP-NOW carries 1 byte or more", p.request->id_json);
  if (n > max_len)
    return reject("too_long", std::to_string(n) + " bytes; this link carries at most " + std::to_string(max_len),
                  p.request->id_json);
  return p;
}

}  // namespace espnow::gateway
