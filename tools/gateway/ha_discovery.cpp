#include "ha_discovery.hpp"

#include <nlohmann/json.hpp>

namespace espnow::gateway {
namespace {

using Json = nlohmann::json;

struct Entity {
  std::string component;  // sensor, binary_sensor
  std::string key;        // the last part of the object id and unique id
  Json config;
};

Json device_of(const MacAddress& src) {
  return {{"identifiers", Json::array({"espnow_" + mac_hex(src)})},
          {"connections", Json::array({Json::array({"mac", to_string(src)})})},
          {"name", "ESP-NOW " + mac_hex(src)},
          {"model", "ESP-NOW device"}};
}

std::vector<Entity> entities(const Topics& t, const MacAddress& src, const Decoder* decoder) {
  std::vector<Entity> e = {
      {"sensor", "rssi",
       {{"name", "RSSI"}, {"state_topic", t.rx_json(src)}, {"value_template", "{{ value_json.rssi }}"},
        {"unit_of_measurement", "dBm"}, {"device_class", "signal_strength"}, {"state_class", "measurement"},
        {"entity_category", "diagnostic"}}},
      {"sensor", "last_seen",
       {{"name", "Last seen"}, {"state_topic", t.rx_json(src)}, {"value_template", "{{ value_json.time }}"},
        {"device_class", "timestamp"}, {"entity_category", "diagnostic"}}},
      // A state is at most 255 characters: the text, else the bytes in base64, cut there.
      {"sensor", "last_message",
       {{"name", "Last message"}, {"state_topic", t.rx_json(src)}, {"icon", "mdi:message-text"},
        {"value_template", "{{ (value_json.text if value_json.text is defined else value_json.data_b64)[:255] }}"}}},
  };
  if (!decoder) return e;
  for (const DecoderField& f : decoder->fields) {
    if (f.type == FieldType::skip) continue;
    const std::string value = "value_json." + f.name;
    if (f.type == FieldType::boolean) {
      e.push_back({"binary_sensor", f.name,
                   {{"name", f.name}, {"state_topic", t.rx_decoded(src)},
                    {"value_template", "{{ 'ON' if " + value + " else 'OFF' }}"}}});
      if (!f.device_class.empty()) e.back().config["device_class"] = f.device_class;
      continue;
    }
    Json c = {{"name", f.name}, {"state_topic", t.rx_decoded(src)}, {"value_template", "{{ " + value + " }}"},
              {"state_class", "measurement"}};
    if (!f.unit.empty()) c["unit_of_measurement"] = f.unit;
    if (!f.device_class.empty()) c["device_class"] = f.device_class;
    e.push_back({"sensor", f.name, std::move(c)});
  }
  return e;
}

}  // namespace

std::vector<Publication> ha_discovery_configs(const Topics& t, const std::string& prefix, const MacAddress& src,
                                              const Decoder* decoder) {
  std::vector<Publication> pubs;
  const std::string node = "espnow_" + t.gw();  // one gateway's entities apart from another's
  for (Entity& e : entities(t, src, decoder)) {
    const std::string object = mac_hex(src) + "_" + e.key;
    e.config["unique_id"] = node + "_" + object;
    e.config["device"] = device_of(src);
    e.config["availability_topic"] = t.status();
    e.config["payload_available"] = "online";
    e.config["payload_not_available"] = "offline";
    e.config["origin"] = {{"name", "espnow gateway"}};
    pubs.push_back({prefix + "/" + e.component + "/" + node + "/" + object + "/config",
                    e.config.dump(-1, ' ', false, Json::error_handler_t::replace), 1, true});
  }
  return pubs;
}

}  // namespace espnow::gateway
