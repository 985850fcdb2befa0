// esp_wifi_set/get_config, connections and scans on the selected emulated
// chip. No access point is on the emulated air: a connection attempt ends as
// a chip's ends when none answers its scan, with WIFI_EVENT_STA_DISCONNECTED
// (WIFI_REASON_NO_AP_FOUND), and a scan finds nobody (WIFI_EVENT_SCAN_DONE,
// 0 found), each on the default loop after the scan's time on the chip's
// clock (esp_wifi.h says how long), fired by an esp_timer.
#include <cstring>
#include <type_traits>

#include "chip_state.hpp"
#include "esp_event.h"
#include "esp_log.h"
#include "esp_rom_sys.h"
#include "esp_wifi.h"

using espnow::emul::detail::ChipState;
using espnow::emul::detail::interface_number;
using espnow::emul::detail::with_wifi;

namespace {

const char* const kTag = "wifi";

bool has_sta(wifi_mode_t m) { return m == WIFI_MODE_STA || m == WIFI_MODE_APSTA; }
bool has_ap(wifi_mode_t m) { return m == WIFI_MODE_AP || m == WIFI_MODE_APSTA; }

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

// A scan's time: its channels (the config's one, the 2.4 GHz ones of its
// bitmap that the country has, else the country's) times its time per channel.
std::uint64_t scan_us(const wifi_scan_config_t* config, const wifi_country_t& country) {
  std::uint64_t per_channel_ms = WIFI_ACTIVE_SCAN_MAX_DEFAULT_TIME, channels = country.nchan;
  if (!config) return per_channel_ms * 1000 * channels;
  std::underlying_type_t<wifi_scan_type_t> type;
  std::memcpy(&type, &config->scan_type, sizeof type);
  if (type == WIFI_SCAN_TYPE_PASSIVE)
    per_channel_ms = config->scan_time.passive ? config->scan_time.passive : WIFI_PASSIVE_SCAN_DEFAULT_TIME;
  else if (config->scan_time.active.max)
    per_channel_ms = config->scan_time.active.max;
  if (config->channel != 0) {
    channels = 1;
  } else if (config->channel_bitmap.ghz_2_channels != 0) {
    channels = 0;
    for (unsigned c = country.schan; c < static_cast<unsigned>(country.schan) + country.nchan; ++c)
      channels += (config->channel_bitmap.ghz_2_channels >> c) & 1u;
  }
  return per_channel_ms * 1000 * channels;
}

// The scan's end: WIFI_EVENT_SCAN_DONE, nobody found (unless it was stopped).
void scan_done(void* arg) {
  auto& s = *static_cast<ChipState*>(arg);
  wifi_event_sta_scan_done_t event{};
  {
    std::lock_guard lk(s.wifi_mutex);
    if (!s.scanning) return;
    s.scanning = false;
    event.scan_id = ++s.scans;
  }
  (void)esp_event_post(WIFI_EVENT, WIFI_EVENT_SCAN_DONE, &event, sizeof event, portMAX_DELAY);
}

// set_config's and get_config's common checks: the argument, the interface, the mode.
esp_err_t config_error(const ChipState& s, int ifx, const wifi_config_t* conf) {
  if (!conf) return ESP_ERR_INVALID_ARG;
  if (ifx != WIFI_IF_STA && ifx != WIFI_IF_AP) return ESP_ERR_WIFI_IF;
  if (!(ifx == WIFI_IF_STA ? has_sta(s.mode) : has_ap(s.mode))) return ESP_ERR_WIFI_MODE;
  return ESP_OK;
}

bool connecting(const ChipState& s) { return s.connect_timer && esp_timer_is_active(s.connect_timer); }

// A one-shot timer on the chip's esp_timer task, made at first use.
esp_err_t start_timer(esp_timer_handle_t& timer, esp_timer_cb_t fn, ChipState& s, const char* name, std::uint64_t us) {
  if (!timer) {
    const esp_timer_create_args_t args{
        .callback = fn, .arg = &s, .dispatch_method = ESP_TIMER_TASK, .name = name, .skip_unhandled_events = false};
    if (const esp_err_t e = esp_timer_create(&args, &timer)) return e;
  }
  (void)esp_timer_stop(timer);  // INVALID_STATE when not armed
  return esp_timer_start_once(timer, us);
}

}  // namespace

namespace espnow::emul::detail {

void ChipState::apply_ap_channel_locked() {
  if (wifi_started && has_ap(mode) && ap_config.channel != 0) (void)radio.set_channel(ap_config.channel);
}

void ChipState::stop_station_locked() {
  for (esp_timer_handle_t t : {connect_timer, scan_timer})
    if (t) (void)esp_timer_stop(t);  // INVALID_STATE once it has fired
  scanning = false;
}

}  // namespace espnow::emul::detail

extern "C" {

esp_err_t esp_wifi_set_config(wifi_interface_t interface, wifi_config_t* conf) {
  const int ifx = interface_number(interface);
  return with_wifi([ifx, conf](ChipState& s) {
    if (const esp_err_t e = config_error(s, ifx, conf)) return e;
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
    if (const esp_err_t e = config_error(s, ifx, conf)) return e;
    if (ifx == WIFI_IF_STA) conf->sta = s.sta_config;
    else conf->ap = s.ap_config;
    return ESP_OK;
  });
}

esp_err_t esp_wifi_connect(void) {
  return with_wifi([](ChipState& s) {
    if (!s.wifi_started) return ESP_ERR_WIFI_NOT_STARTED;
    if (!has_sta(s.mode)) return ESP_ERR_WIFI_MODE;
    // A second call starts the attempt's scan again.
    return start_timer(s.connect_timer, no_ap_found, s, "wifi connect", scan_us(nullptr, s.country));
  });
}

esp_err_t esp_wifi_disconnect(void) {
  return with_wifi([](ChipState& s) {
    if (!s.wifi_started) return ESP_ERR_WIFI_NOT_STARTED;
    if (s.connect_timer) (void)esp_timer_stop(s.connect_timer);  // INVALID_STATE once it has fired
    return ESP_OK;
  });
}

esp_err_t esp_wifi_sta_get_ap_info(wifi_ap_record_t* ap_info) {
  return with_wifi([ap_info](ChipState& s) {
    if (!ap_info) return ESP_ERR_INVALID_ARG;
    return has_sta(s.mode) ? ESP_ERR_WIFI_NOT_CONNECT : ESP_ERR_WIFI_CONN;
  });
}

esp_err_t esp_wifi_scan_start(const wifi_scan_config_t* config, bool block) {
  std::uint64_t us = 0;
  ChipState* chip = nullptr;
  const esp_err_t e = with_wifi([&](ChipState& s) {
    if (!s.wifi_started) return ESP_ERR_WIFI_NOT_STARTED;
    if (s.scanning || connecting(s)) return ESP_ERR_WIFI_STATE;
    s.scanning = true;
    us = scan_us(config, s.country);
    chip = &s;
    return block ? ESP_OK : start_timer(s.scan_timer, scan_done, s, "wifi scan", us);
  });
  if (e != ESP_OK || !block) return e;
  for (; us > UINT32_MAX; us -= UINT32_MAX) esp_rom_delay_us(UINT32_MAX);  // the caller's time, on the chip's clock
  esp_rom_delay_us(static_cast<uint32_t>(us));
  scan_done(chip);
  return ESP_OK;
}

esp_err_t esp_wifi_scan_stop(void) {
  return with_wifi([](ChipState& s) {
    if (!s.wifi_started) return ESP_ERR_WIFI_NOT_STARTED;
    if (s.scan_timer) (void)esp_timer_stop(s.scan_timer);
    s.scanning = false;
    return ESP_OK;
  });
}

esp_err_t esp_wifi_scan_get_ap_num(uint16_t* number) {
  return with_wifi([number](ChipState& s) {
    if (!number) return ESP_ERR_INVALID_ARG;
    if (!s.wifi_started) return ESP_ERR_WIFI_NOT_STARTED;
    *number = 0;
    return ESP_OK;
  });
}

esp_err_t esp_wifi_scan_get_ap_records(uint16_t* number, wifi_ap_record_t* ap_records) {
  return with_wifi([number, ap_records](ChipState& s) {
    if (!number || !ap_records) return ESP_ERR_INVALID_ARG;
    if (!s.wifi_started) return ESP_ERR_WIFI_NOT_STARTED;
    *number = 0;
    return ESP_OK;
  });
}

esp_err_t esp_wifi_clear_ap_list(void) {
  return with_wifi([](ChipState&) { return ESP_OK; });
}

}  // extern "C"
