// Home Assistant MQTT discovery (--ha-discovery): each sender heard becomes
// a device with RSSI, last-seen and last-message entities, and one typed
// sensor per field of its decoder. The configs are retained, on
// DISCOVERY_PREFIX/COMPONENT/espnow_GW/SRC_ENTITY/config, as Home
// Assistant's MQTT discovery documents them (docs/gateway.md).
#pragma once

#include <string>
#include <vector>

#include "decoder.hpp"
#include "outbox.hpp"
#include "topics.hpp"

namespace espnow::gateway {

std::vector<Publication> ha_discovery_configs(const Topics& topics, const std::string& discovery_prefix,
                                              const MacAddress& src, const Decoder* decoder);

}  // namespace espnow::gateway
