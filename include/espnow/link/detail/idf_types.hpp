// Conversions between ESP-IDF's esp_now.h types and the Link's, shared by
// IdfLink (which calls esp_now_*) and the host emulation (which implements
// them). Include after esp_now.h is reachable: a device build or emul/.
#pragma once

#include <algorithm>
#include <system_error>

#include "esp_now.h"
#include "espnow/link/link.hpp"

namespace espnow::detail {

inline MacAddress mac_from(const std::uint8_t* addr) { return MacAddress::read(addr); }

inline wifi_interface_t to_wifi_if(Interface i) { return i == Interface::ap ? WIFI_IF_AP : WIFI_IF_STA; }

inline PeerInfo to_peer_info(const esp_now_peer_info_t& in) {
  PeerInfo out;
  out.mac = mac_from(in.peer_addr);
  std::copy(in.lmk, in.lmk + ESP_NOW_KEY_LEN, out.lmk.begin());
  out.channel = in.channel;
  out.ifidx = in.ifidx == WIFI_IF_AP ? Interface::ap : Interface::sta;
  out.encrypt = in.encrypt;
  return out;
}

inline esp_now_peer_info_t to_esp_peer(const PeerInfo& in) {
  esp_now_peer_info_t out{};
  std::copy(in.mac.bytes.begin(), in.mac.bytes.end(), out.peer_addr);
  std::copy(in.lmk.begin(), in.lmk.end(), out.lmk);
  out.channel = in.channel;
  out.ifidx = to_wifi_if(in.ifidx);
  out.encrypt = in.encrypt;
  return out;
}

inline bool is_espnow_err(int value) { return value > ESP_ERR_ESPNOW_BASE && value <= ESP_ERR_ESPNOW_CHAN; }

// ESP-NOW codes are errc values (errors.hpp); anything else is INTERNAL.
inline std::error_code to_error_code(esp_err_t e) {
  if (e == ESP_OK) return {};
  return make_error_code(is_espnow_err(e) ? static_cast<errc>(e) : errc::internal);
}

inline esp_err_t to_esp_err(std::error_code ec) {
  if (!ec) return ESP_OK;
  return ec.category() == espnow_category() && is_espnow_err(ec.value()) ? ec.value() : ESP_ERR_ESPNOW_INTERNAL;
}

}  // namespace espnow::detail
