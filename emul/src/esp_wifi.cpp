// esp_wifi_* and esp_get_idf_version on the
// selected emulated chip. Errors are the ones ESP-IDF documents for each call.
#include "esp_wifi.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>

#include "chip_state.hpp"
#include "esp_event.h"
#include "esp_log.h"
#include "esp_mac.h"
#include "esp_now.h"

using espnow::Interface;
using espnow::emul::selected_chip;
using espnow::emul::detail::ChipState;
using espnow::emul::detail::with_wifi;

namespace {

// The hardware keys ESP-NOW shares with the soft-AP: Kconfig's range for
// CONFIG_ESP_WIFI_ESPNOW_MAX_ENCRYPT_NUM is 0..17 (0..4 on an ESP32-C2).
constexpr int kMaxEncryptedPeerKeys = 17;
const char* const kTag = "wifi";

ChipState& chip() { return espnow::emul::detail::selected_state(); }

bool valid_interface(wifi_interface_t ifx) { return ifx == WIFI_IF_STA || ifx == WIFI_IF_AP; }
Interface to_interface(wifi_interface_t ifx) { return ifx == WIFI_IF_AP ? Interface::ap : Interface::sta; }

bool in_country(const wifi_country_t& c, unsigned channel) {
  return channel >= c.schan && channel < static_cast<unsigned>(c.schan) + c.nchan;
}

// The channels (from 1) of a code esp_wifi_set_country_code takes, from the
// country's 2.4 GHz plan; nullopt for a code ESP-IDF does not support.
std::optional<std::uint8_t> country_channels(const char* code) {
  static constexpr const char* kSupported[] = {
      "01", "AT", "AU", "BE", "BG", "BR", "CA", "CH", "CN", "CY", "CZ", "DE", "DK", "EE", "ES", "FI",
      "FR", "GB", "GR", "HK", "HR", "HU", "IE", "IN", "IS", "IT", "JP", "KR", "LI", "LT", "LU", "LV",
      "MT", "MX", "NL", "NO", "NZ", "PL", "PT", "RO", "SE", "SI", "SK", "TW", "US"};
  if (!code || std::strlen(code) != 2) return std::nullopt;
  const std::string_view c(code, 2);
  for (const char* known : kSupported) {
    if (c != known) continue;
    if (c == "JP") return 14;
    if (c == "01" || c == "US" || c == "CA" || c == "TW") return 11;
    return 13;
  }
  return std::nullopt;
}

// As ESP-IDF's driver: STA_START/AP_START (or _STOP) for the mode's
// interfaces, to the chip's default loop; without a loop they are lost.
void post_wifi_events(wifi_mode_t mode, bool start) {
  if (mode == WIFI_MODE_STA || mode == WIFI_MODE_APSTA)
    (void)esp_event_post(WIFI_EVENT, start ? WIFI_EVENT_STA_START : WIFI_EVENT_STA_STOP, nullptr, 0, portMAX_DELAY);
  if (mode == WIFI_MODE_AP || mode == WIFI_MODE_APSTA)
    (void)esp_event_post(WIFI_EVENT, start ? WIFI_EVENT_AP_START : WIFI_EVENT_AP_STOP, nullptr, 0, portMAX_DELAY);
}

// esp_wifi_set_max_tx_power's table (ESP-IDF's esp_wifi.h): each setting
// from `setting` up to the next row's is kept as `setting`, and the chip
// transmits at `dbm`.
struct TxPowerLevel {
  int8_t setting;
  double dbm;
};
constexpr TxPowerLevel kTxPowerLevels[] = {{8, 2},   {20, 5},  {28, 7},  {34, 8},  {44, 11}, {52, 13},
                                           {56, 14}, {60, 15}, {66, 16}, {72, 18}, {80, 20}};

// The row a setting lands on, or the one a radio's power is at (the highest
// row at or below it; the lowest for less than 2 dBm).
template <class Below>
const TxPowerLevel& tx_power_level(Below at_or_below) {
  const TxPowerLevel* level = &kTxPowerLevels[0];
  for (const TxPowerLevel& l : kTxPowerLevels)
    if (at_or_below(l)) level = &l;
  return *level;
}

// esp_wifi_set/get_promiscuous_filter and _ctrl_filter: one mask each.
esp_err_t set_mask(std::atomic<std::uint32_t> ChipState::*mask, const wifi_promiscuous_filter_t* filter) {
  return with_wifi([=](ChipState& s) {
    if (!filter) return ESP_ERR_INVALID_ARG;
    (s.*mask) = filter->filter_mask;
    return ESP_OK;
  });
}
esp_err_t get_mask(std::atomic<std::uint32_t> ChipState::*mask, wifi_promiscuous_filter_t* filter) {
  return with_wifi([=](ChipState& s) {
    if (!filter) return ESP_ERR_INVALID_ARG;
    filter->filter_mask = (s.*mask).load();
    return ESP_OK;
  });
}
}  // namespace

extern "C" {

// The driver takes its ESP-NOW encrypted-peer limit from the config, as a
// chip's does (CONFIG_ESP_WIFI_ESPNOW_MAX_ENCRYPT_NUM, default 7).
esp_err_t esp_wifi_init(const wifi_init_config_t* config) {
  if (!config || config->magic != WIFI_INIT_CONFIG_MAGIC) return ESP_ERR_INVALID_ARG;
  if (config->espnow_max_encrypt_num < 0 || config->espnow_max_encrypt_num > kMaxEncryptedPeerKeys)
    return ESP_ERR_INVALID_ARG;
  ChipState& s = chip();
  std::lock_guard lk(s.wifi_mutex);
  s.link.set_max_encrypted_peers(config->espnow_max_encrypt_num);
  s.wifi_init = true;
  espnow::emul::detail::apply_interface_macs_locked(s);  // as the driver reads them at its init (esp_mac.cpp)
  return ESP_OK;
}

esp_err_t esp_wifi_deinit(void) {
  return with_wifi([](ChipState& s) {
    if (s.wifi_started) return ESP_ERR_WIFI_NOT_STOPPED;
    s.wifi_init = false;
    s.mode = WIFI_MODE_NULL;
    s.promiscuous = false;
    return ESP_OK;
  });
}

esp_err_t esp_wifi_set_storage(wifi_storage_t) {
  return with_wifi([](ChipState&) { return ESP_OK; });
}

esp_err_t esp_wifi_set_mode(wifi_mode_t mode) {
  if (mode < WIFI_MODE_NULL || mode >= WIFI_MODE_NAN) return ESP_ERR_INVALID_ARG;
  return with_wifi([mode](ChipState& s) {
    s.mode = mode;
    s.apply_mode_locked();
    return ESP_OK;
  });
}

esp_err_t esp_wifi_get_mode(wifi_mode_t* mode) {
  if (!mode) return ESP_ERR_INVALID_ARG;
  return with_wifi([mode](ChipState& s) {
    *mode = s.live_mode_locked();
    return ESP_OK;
  });
}

esp_err_t esp_wifi_start(void) {
  bool started = false;
  wifi_mode_t mode = WIFI_MODE_NULL;
  const esp_err_t err = with_wifi([&](ChipState& s) {
    started = !s.wifi_started;
    s.wifi_started = true;
    mode = s.mode;
    s.apply_mode_locked();
    s.apply_ap_channel_locked();
    return ESP_OK;
  });
  if (started) post_wifi_events(mode, true);
  return err;
}

esp_err_t esp_wifi_stop(void) {
  bool stopped = false;
  wifi_mode_t mode = WIFI_MODE_NULL;
  const esp_err_t err = with_wifi([&](ChipState& s) {
    stopped = s.wifi_started;
    s.wifi_started = false;
    mode = s.mode;
    s.apply_mode_locked();
    s.stop_station_locked();
    return ESP_OK;
  });
  if (stopped) post_wifi_events(mode, false);
  return err;
}

esp_err_t esp_wifi_set_promiscuous(bool en) {
  return with_wifi([en](ChipState& s) {
    s.promiscuous = en;
    s.apply_mode_locked();
    return ESP_OK;
  });
}

esp_err_t esp_wifi_get_promiscuous(bool* en) {
  return with_wifi([en](ChipState& s) {
    if (!en) return ESP_ERR_INVALID_ARG;
    *en = s.promiscuous;
    return ESP_OK;
  });
}

esp_err_t esp_wifi_set_promiscuous_rx_cb(wifi_promiscuous_cb_t cb) {
  return with_wifi([cb](ChipState& s) {
    s.promiscuous_cb = cb;
    return ESP_OK;
  });
}


esp_err_t esp_wifi_set_promiscuous_filter(const wifi_promiscuous_filter_t* filter) {
  return set_mask(&ChipState::promiscuous_filter, filter);
}
esp_err_t esp_wifi_get_promiscuous_filter(wifi_promiscuous_filter_t* filter) {
  return get_mask(&ChipState::promiscuous_filter, filter);
}
esp_err_t esp_wifi_set_promiscuous_ctrl_filter(const wifi_promiscuous_filter_t* filter) {
  return set_mask(&ChipState::promiscuous_ctrl_filter, filter);
}
esp_err_t esp_wifi_get_promiscuous_ctrl_filter(wifi_promiscuous_filter_t* filter) {
  return get_mask(&ChipState::promiscuous_ctrl_filter, filter);
}

// A C caller may pass any integer: it is read as one (a C++ enum load of an
// out-of-range value is undefined).
esp_err_t esp_wifi_set_ps(wifi_ps_type_t type) {
  std::underlying_type_t<wifi_ps_type_t> value;
  std::memcpy(&value, &type, sizeof value);
  if (value > WIFI_PS_MAX_MODEM) return ESP_ERR_INVALID_ARG;
  return with_wifi([value](ChipState& s) {
    s.power_save = static_cast<wifi_ps_type_t>(value);
    return ESP_OK;
  });
}

esp_err_t esp_wifi_get_ps(wifi_ps_type_t* type) {
  if (!type) return ESP_ERR_INVALID_ARG;
  return with_wifi([type](ChipState& s) {
    *type = s.power_save;
    return ESP_OK;
  });
}

// No power save to pace: the radio is always awake (esp_wifi.h).
esp_err_t esp_wifi_connectionless_module_set_wake_interval(uint16_t) {
  return with_wifi([](ChipState&) { return ESP_OK; });
}

// WIFI_PROTOCOL_LR lets the radio hear Espressif's long-range rates.
esp_err_t esp_wifi_set_protocol(wifi_interface_t ifx, uint8_t protocol_bitmap) {
  if (!valid_interface(ifx)) return ESP_ERR_WIFI_IF;
  return with_wifi([ifx, protocol_bitmap](ChipState& s) {
    s.protocols[ifx == WIFI_IF_AP] = protocol_bitmap;
    s.radio.set_long_range((protocol_bitmap & WIFI_PROTOCOL_LR) != 0);
    return ESP_OK;
  });
}

esp_err_t esp_wifi_get_protocol(wifi_interface_t ifx, uint8_t* protocol_bitmap) {
  if (!valid_interface(ifx)) return ESP_ERR_WIFI_IF;
  if (!protocol_bitmap) return ESP_ERR_INVALID_ARG;
  return with_wifi([ifx, protocol_bitmap](ChipState& s) {
    *protocol_bitmap = s.protocols[ifx == WIFI_IF_AP];
    return ESP_OK;
  });
}

esp_err_t esp_wifi_set_bandwidth(wifi_interface_t ifx, wifi_bandwidth_t bw) {
  if (!valid_interface(ifx)) return ESP_ERR_WIFI_IF;
  return with_wifi([ifx, bw](ChipState& s) {
    const int i = ifx == WIFI_IF_AP;
    if (bw != WIFI_BW_HT20 && (bw != WIFI_BW_HT40 || !(s.protocols[i] & WIFI_PROTOCOL_11N))) return ESP_ERR_INVALID_ARG;
    s.bandwidths[i] = bw;
    return ESP_OK;
  });
}

esp_err_t esp_wifi_get_bandwidth(wifi_interface_t ifx, wifi_bandwidth_t* bw) {
  if (!valid_interface(ifx)) return ESP_ERR_WIFI_IF;
  if (!bw) return ESP_ERR_INVALID_ARG;
  return with_wifi([ifx, bw](ChipState& s) {
    *bw = s.bandwidths[ifx == WIFI_IF_AP];
    return ESP_OK;
  });
}

// Only between esp_wifi_start and esp_wifi_stop, as ESP-IDF documents it
// and its driver enforces (ESP_ERR_WIFI_NOT_STARTED, since 3.3).
esp_err_t esp_wifi_set_channel(uint8_t primary, wifi_second_chan_t second) {
  if (second > WIFI_SECOND_CHAN_BELOW) return ESP_ERR_INVALID_ARG;
  return with_wifi([primary](ChipState& s) {
    if (!s.wifi_started) return ESP_ERR_WIFI_NOT_STARTED;
    if (!in_country(s.country, primary)) return ESP_ERR_INVALID_ARG;
    // A scan, a connection attempt or a connection holds the radio: ESP-IDF
    // (since 3.3) refuses with ESP_FAIL and this warning, and the channel
    // stays where it is. The pitfall of every gateway that joins a router
    // and then tries to put ESP-NOW on a channel of its own.
    if (s.sweeping != ChipState::Sweep::none || s.connected_ap) {
      ESP_LOGW(kTag, "STA is scanning or connecting, or AP has connected with external STAs, cannot set channel");
      return ESP_FAIL;
    }
    return s.radio.set_channel(primary) ? ESP_ERR_INVALID_ARG : ESP_OK;
  });
}

esp_err_t esp_wifi_set_country(const wifi_country_t* country) {
  if (!country || country->schan < 1 || country->nchan < 1 || country->schan + country->nchan - 1 > 14 ||
      (country->policy != WIFI_COUNTRY_POLICY_AUTO && country->policy != WIFI_COUNTRY_POLICY_MANUAL))
    return ESP_ERR_INVALID_ARG;
  return with_wifi([country](ChipState& s) {
    s.country = *country;
    s.country.cc[2] = '\0';
    if (!in_country(s.country, s.radio.channel())) {
      ESP_LOGW(kTag, "channel %u is not among country %.2s's channels %u..%u: now on %u", s.radio.channel(),
               s.country.cc, s.country.schan, s.country.schan + s.country.nchan - 1, s.country.schan);
      (void)s.radio.set_channel(s.country.schan);
    }
    return ESP_OK;
  });
}

esp_err_t esp_wifi_get_country(wifi_country_t* country) {
  if (!country) return ESP_ERR_INVALID_ARG;
  return with_wifi([country](ChipState& s) {
    *country = s.country;
    country->max_tx_power = static_cast<int8_t>(std::lround(s.radio.tx_power()));
    return ESP_OK;
  });
}

esp_err_t esp_wifi_set_country_code(const char* code, bool ieee80211d_enabled) {
  const std::optional<std::uint8_t> channels = country_channels(code);
  if (!channels) return ESP_ERR_INVALID_ARG;
  const wifi_country_t country{{code[0], code[1], '\0'}, 1, *channels, 0,
                               ieee80211d_enabled ? WIFI_COUNTRY_POLICY_AUTO : WIFI_COUNTRY_POLICY_MANUAL};
  return esp_wifi_set_country(&country);
}

esp_err_t esp_wifi_get_country_code(char* code) {
  if (!code) return ESP_ERR_INVALID_ARG;
  return with_wifi([code](ChipState& s) {
    std::memcpy(code, s.country.cc, 2);
    code[2] = '\0';
    return ESP_OK;
  });
}

esp_err_t esp_wifi_get_channel(uint8_t* primary, wifi_second_chan_t* second) {
  if (!primary || !second) return ESP_ERR_INVALID_ARG;
  return with_wifi([primary, second](ChipState& s) {
    *primary = s.radio.channel();
    *second = WIFI_SECOND_CHAN_NONE;
    return ESP_OK;
  });
}

esp_err_t esp_wifi_set_max_tx_power(int8_t power) {
  return with_wifi([power](ChipState& s) {
    if (!s.wifi_started) return ESP_ERR_WIFI_NOT_STARTED;
    if (power < 8 || power > 84) return ESP_ERR_INVALID_ARG;
    s.radio.set_tx_power(tx_power_level([power](const TxPowerLevel& l) { return l.setting <= power; }).dbm);
    return ESP_OK;
  });
}

esp_err_t esp_wifi_get_max_tx_power(int8_t* power) {
  if (!power) return ESP_ERR_INVALID_ARG;
  return with_wifi([power](ChipState& s) {
    if (!s.wifi_started) return ESP_ERR_WIFI_NOT_STARTED;
    const double dbm = s.radio.tx_power();
    *power = tx_power_level([dbm](const TxPowerLevel& l) { return l.dbm <= dbm; }).setting;
    return ESP_OK;
  });
}

esp_err_t esp_wifi_get_mac(wifi_interface_t ifx, uint8_t mac[6]) {
  if (!mac) return ESP_ERR_INVALID_ARG;
  if (!valid_interface(ifx)) return ESP_ERR_WIFI_IF;
  return with_wifi([ifx, mac](ChipState& s) {
    const auto m = s.radio.mac(to_interface(ifx));
    std::copy(m.bytes.begin(), m.bytes.end(), mac);
    return ESP_OK;
  });
}

// A group (multicast) address is ESP_ERR_WIFI_MAC: no interface may own one.
esp_err_t esp_wifi_set_mac(wifi_interface_t ifx, const uint8_t mac[6]) {
  if (!mac) return ESP_ERR_INVALID_ARG;
  if (!valid_interface(ifx)) return ESP_ERR_WIFI_IF;
  return with_wifi([ifx, mac](ChipState& s) {
    espnow::MacAddress m;
    std::copy(mac, mac + 6, m.bytes.begin());
    return s.radio.set_mac(to_interface(ifx), m) ? ESP_ERR_WIFI_MAC : ESP_OK;
  });
}

// ESP_FAIL when the interface is not up, as ESP-IDF 5.4 and later answer.
esp_err_t esp_wifi_config_espnow_rate(wifi_interface_t ifx, wifi_phy_rate_t rate) {
  if (!valid_interface(ifx)) return ESP_ERR_WIFI_IF;
  return with_wifi([ifx, rate](ChipState& s) {
    if (!s.wifi_started || !s.radio.interface_active(to_interface(ifx))) return ESP_FAIL;
    return s.link.set_rate(static_cast<espnow::PhyRate>(rate)) ? ESP_ERR_INVALID_ARG : ESP_OK;
  });
}

const char* esp_get_idf_version(void) { return "v5.5.0"; }

}  // extern "C"
