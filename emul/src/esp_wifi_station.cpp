// esp_wifi_set/get_config, esp_wifi_connect and esp_wifi_disconnect on the
// selected emulated chip. No access point is on the emulated air: a
// connection attempt ends as a chip's ends when none answers its scan, with
// WIFI_EVENT_STA_DISCONNECTED (WIFI_REASON_NO_AP_FOUND) on the default loop,
// fired by an esp_timer on the chip's clock (esp_wifi.h says how long).
#include <cstring>
#include <type_traits>

#include "chip_state.hpp"
#include "esp_event.h"
#include "esp_log.h"
#include "esp_wifi.h"

using espnow::emul::detail::ChipState;
using espnow::emul::detail::with_wifi;

namespace {

const char* const kTag = "wifi";
// ESP-IDF's default active scan time per channel (WIFI_ACTIVE_SCAN_MAX_DEFAULT_TIME).
constexpr std::uint64_t kScanUsPerChannel = 120'000;

bool has_sta(wifi_mode_t m) { return m == WIFI_MODE_STA || m == WIFI_MODE_APSTA; }
bool has_ap(wifi_mode_t m) { return m == WIFI_MODE_AP || m == WIFI_MODE_APSTA; }

// The interface argument as the integer a C caller may have passed.
int interface_number(wifi_interface_t ifx) {
  std::underlying_type_t<wifi_interface_t> n;
  std::memcpy(&n, &ifx, sizeof n);
  return static_cast<int>(n);
}

// A soft-AP's settings as ESP-IDF checks them; the authmode read as bits.
esp_err_t check_ap(const wifi_ap_config_t& ap) {
  std::underlying_type_t<wifi_auth_mode_t> auth;
  std::memcpy(&auth, &ap.authmode, sizeof auth);
  if (auth != WIFI_AUTH_OPEN && strnlen(reinterpret_cast<const char*>(ap.password), sizeof ap.password) < 8)
    return ESP_ERR_WIFI_PASSWORD;
  if (ap.channel > 14) return ESP_ERR_INVALID_ARG;
  return ESP_OK;
}

// The attempt's end, on the chip's esp_timer task.
void no_ap_found(void* arg) {
  auto& s = *static_cast<ChipState*>(arg);
  wifi_event_sta_disconnected_t event{};
  {
    std::lock_guard lk(s.wifi_mutex);
    std::memcpy(event.ssid, s.sta_config.ssid, sizeof event.ssid);
  }
  event.ssid_len = static_cast<uint8_t>(strnlen(reinterpret_cast<const char*>(event.ssid), sizeof event.ssid));
  event.reason = WIFI_REASON_NO_AP_FOUND;
  ESP_LOGI(kTag, "no access point \"%.*s\" on the emulated air: WIFI_EVENT_STA_DISCONNECTED, reason %d", event.ssid_len,
           reinterpret_cast<const char*>(event.ssid), event.reason);
  (void)esp_event_post(WIFI_EVENT, WIFI_EVENT_STA_DISCONNECTED, &event, sizeof event, portMAX_DELAY);
}

}  // namespace

namespace espnow::emul::detail {

void ChipState::apply_ap_channel_locked() {
  if (wifi_started && has_ap(mode) && ap_config.channel != 0) (void)radio.set_channel(ap_config.channel);
}

void ChipState::cancel_connect_locked() {
  if (connect_timer) (void)esp_timer_stop(connect_timer);  // INVALID_STATE once it has fired
}

}  // namespace espnow::emul::detail

extern "C" {

esp_err_t esp_wifi_set_config(wifi_interface_t interface, wifi_config_t* conf) {
  const int ifx = interface_number(interface);
  return with_wifi([ifx, conf](ChipState& s) {
    if (!conf) return ESP_ERR_INVALID_ARG;
    if (ifx != WIFI_IF_STA && ifx != WIFI_IF_AP) return ESP_ERR_WIFI_IF;
    if (!(ifx == WIFI_IF_STA ? has_sta(s.mode) : has_ap(s.mode))) return ESP_ERR_WIFI_MODE;
    if (ifx == WIFI_IF_STA) {
      s.sta_config = conf->sta;
      return ESP_OK;
    }
    if (const esp_err_t e = check_ap(conf->ap)) return e;
    s.ap_config = conf->ap;
    s.apply_ap_channel_locked();
    return ESP_OK;
  });
}

esp_err_t esp_wifi_get_config(wifi_interface_t interface, wifi_config_t* conf) {
  const int ifx = interface_number(interface);
  return with_wifi([ifx, conf](ChipState& s) {
    if (!conf) return ESP_ERR_INVALID_ARG;
    if (ifx != WIFI_IF_STA && ifx != WIFI_IF_AP) return ESP_ERR_WIFI_IF;
    if (!(ifx == WIFI_IF_STA ? has_sta(s.mode) : has_ap(s.mode))) return ESP_ERR_WIFI_MODE;
    if (ifx == WIFI_IF_STA) conf->sta = s.sta_config;
    else conf->ap = s.ap_config;
    return ESP_OK;
  });
}

esp_err_t esp_wifi_connect(void) {
  return with_wifi([](ChipState& s) {
    if (!s.wifi_started) return ESP_ERR_WIFI_NOT_STARTED;
    if (!has_sta(s.mode)) return ESP_ERR_WIFI_MODE;
    if (!s.connect_timer) {
      const esp_timer_create_args_t args{.callback = no_ap_found, .arg = &s, .dispatch_method = ESP_TIMER_TASK,
                                         .name = "wifi connect", .skip_unhandled_events = false};
      if (const esp_err_t e = esp_timer_create(&args, &s.connect_timer)) return e;
    }
    s.cancel_connect_locked();  // a second call starts the scan again
    return esp_timer_start_once(s.connect_timer, kScanUsPerChannel * s.country.nchan);
  });
}

esp_err_t esp_wifi_disconnect(void) {
  return with_wifi([](ChipState& s) {
    if (!s.wifi_started) return ESP_ERR_WIFI_NOT_STARTED;
    s.cancel_connect_locked();
    return ESP_OK;
  });
}

}  // extern "C"
