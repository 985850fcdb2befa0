// esp_netif's default Wi-Fi interfaces: records on the chip, no IP stack.
#include "esp_netif.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "chip_services.hpp"

struct esp_netif_obj {
  bool ap;
};

using espnow::emul::detail::ChipServices;
using espnow::emul::detail::services;

ESP_EVENT_DEFINE_BASE(IP_EVENT);

namespace {

esp_netif_obj sta_obj{false}, ap_obj{true};  // opaque tokens: the state is the chip's

// ESP-IDF registers the interface's handlers on the default loop under
// ESP_ERROR_CHECK: without a loop the chip stops there.
esp_netif_t* create_default(bool ap) {
  ChipServices& s = services();
  std::lock_guard lk(s.mutex);
  if (!s.default_loop) {
    std::fprintf(stderr, "ESP_ERROR_CHECK failed: esp_err_t 0x%x (ESP_ERR_INVALID_STATE) in esp_netif_create_default_wifi_%s: "
                 "call esp_event_loop_create_default() first\n", ESP_ERR_INVALID_STATE, ap ? "ap" : "sta");
    std::abort();
  }
  (ap ? s.netif_ap : s.netif_sta) = true;
  return ap ? &ap_obj : &sta_obj;
}

}  // namespace

extern "C" {

esp_err_t esp_netif_init(void) {
  ChipServices& s = services();
  std::lock_guard lk(s.mutex);
  s.netif_init = true;
  return ESP_OK;
}

esp_netif_t* esp_netif_create_default_wifi_sta(void) { return create_default(false); }
esp_netif_t* esp_netif_create_default_wifi_ap(void) { return create_default(true); }

esp_netif_t* esp_netif_get_handle_from_ifkey(const char* if_key) {
  if (!if_key) return nullptr;
  ChipServices& s = services();
  std::lock_guard lk(s.mutex);
  if (std::strcmp(if_key, "WIFI_STA_DEF") == 0 && s.netif_sta) return &sta_obj;
  if (std::strcmp(if_key, "WIFI_AP_DEF") == 0 && s.netif_ap) return &ap_obj;
  return nullptr;
}

void esp_netif_destroy_default_wifi(void* netif) {
  if (!netif) return;
  ChipServices& s = services();
  std::lock_guard lk(s.mutex);
  (static_cast<esp_netif_obj*>(netif)->ap ? s.netif_ap : s.netif_sta) = false;
}

}  // extern "C"
