// esp_wifi_set/get_config, connections and scans on the selected emulated
// chip. Scans and connection attempts find the routers of the chip's
// Simulation (add_access_point, access_points.hpp) that reach it, on the
// channels they scan: a scan ends with WIFI_EVENT_SCAN_DONE and its records;
// an attempt with WIFI_EVENT_STA_CONNECTED (the radio on the router's
// channel) and IP_EVENT_STA_GOT_IP, or with WIFI_EVENT_STA_DISCONNECTED and
// ESP-IDF's reason when no router of its SSID answers or the password is
// wrong; each on the default loop after the scan's time on the chip's clock
// (esp_wifi.h says how long), fired by an esp_timer.
#include <arpa/inet.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <type_traits>

#include "access_points.hpp"
#include "chip_state.hpp"
#include "esp_event.h"
#include "esp_log.h"
#include "esp_netif.h"
#include "esp_rom_sys.h"
#include "esp_wifi.h"

using espnow::emul::detail::ChipState;
using espnow::emul::detail::HeardAccessPoint;
using espnow::emul::detail::interface_number;
using espnow::emul::detail::with_wifi;

namespace {

const char* const kTag = "wifi";

bool has_sta(wifi_mode_t m) { return m == WIFI_MODE_STA || m == WIFI_MODE_APSTA; }
bool has_ap(wifi_mode_t m) { return m == WIFI_MODE_AP || m == WIFI_MODE_APSTA; }

template <class Enum>
int bits_of(const Enum& e) {  // a C caller's enum, which may hold any value
  std::underlying_type_t<Enum> n;
  std::memcpy(&n, &e, sizeof n);
  return static_cast<int>(n);
}

// The text in a fixed-size field (an SSID, a password): NUL-terminated or full.
std::size_t text_length(const std::uint8_t* field, std::size_t size) {
  return strnlen(reinterpret_cast<const char*>(field), size);
}

// A soft-AP's settings as ESP-IDF checks them.
esp_err_t check_ap(const wifi_ap_config_t& ap) {
  if (bits_of(ap.authmode) != WIFI_AUTH_OPEN && text_length(ap.password, sizeof ap.password) < 8)
    return ESP_ERR_WIFI_PASSWORD;
  if (ap.channel > 14) return ESP_ERR_INVALID_ARG;
  return ESP_OK;
}

// The country's channels (bit c: channel c).
std::uint16_t country_channels(const wifi_country_t& country) {
  std::uint16_t all = 0;
  for (unsigned c = country.schan; c < static_cast<unsigned>(country.schan) + country.nchan && c <= 14; ++c)
    all = static_cast<std::uint16_t>(all | 1u << c);
  return all;
}

// A scan's channels: the config's one, the 2.4 GHz ones of its bitmap that
// the country has, else the country's.
std::uint16_t scan_channels(const wifi_scan_config_t* config, const wifi_country_t& country) {
  if (config && config->channel != 0)
    return static_cast<std::uint16_t>(config->channel <= 14 ? 1u << config->channel : 0u);
  const std::uint16_t all = country_channels(country);
  if (config && config->channel_bitmap.ghz_2_channels != 0)
    return static_cast<std::uint16_t>(config->channel_bitmap.ghz_2_channels & all);
  return all;
}

// A scan's time on each of its channels.
std::uint64_t dwell_us(const wifi_scan_config_t* config) {
  std::uint64_t per_channel_ms = WIFI_ACTIVE_SCAN_MAX_DEFAULT_TIME;
  if (config && bits_of(config->scan_type) == WIFI_SCAN_TYPE_PASSIVE)
    per_channel_ms = config->scan_time.passive ? config->scan_time.passive : WIFI_PASSIVE_SCAN_DEFAULT_TIME;
  else if (config && config->scan_time.active.max)
    per_channel_ms = config->scan_time.active.max;
  return per_channel_ms * 1000;
}

// A connected station's time back on its router's channel between two scanned ones.
std::uint64_t home_dwell_us(const wifi_scan_config_t* config) {
  const unsigned ms = config && config->home_chan_dwell_time ? config->home_chan_dwell_time
                                                              : WIFI_SCAN_HOME_CHANNEL_DWELL_DEFAULT_TIME;
  return std::uint64_t{ms} * 1000;
}

// A router as a scan record describes it.
wifi_ap_record_t record_of(const espnow::emul::detail::HeardAccessPoint& h) {
  wifi_ap_record_t r{};
  std::memcpy(r.bssid, h.ap.bssid.bytes.data(), sizeof r.bssid);
  std::memcpy(r.ssid, h.ap.ssid.data(), h.ap.ssid.size());  // at most 32 bytes: the 33rd stays 0
  r.primary = h.ap.channel;
  r.second = WIFI_SECOND_CHAN_NONE;
  r.rssi = static_cast<int8_t>(h.rssi_dbm);
  const bool open = h.ap.password.empty();
  r.authmode = open ? WIFI_AUTH_OPEN : WIFI_AUTH_WPA2_PSK;
  r.pairwise_cipher = r.group_cipher = open ? WIFI_CIPHER_TYPE_NONE : WIFI_CIPHER_TYPE_CCMP;
  r.ant = WIFI_ANT_ANT0;
  r.phy_11b = r.phy_11g = r.phy_11n = 1;
  r.country = {{'0', '1', '\0'}, 1, 11, 20, WIFI_COUNTRY_POLICY_AUTO};
  return r;
}

// The routers the chip hears on `channels` with the SSID and BSSID asked
// for (empty, absent: any), strongest first.
std::vector<HeardAccessPoint> routers_heard(const ChipState& s, std::uint16_t channels, const std::string& ssid,
                                            const std::optional<espnow::MacAddress>& bssid) {
  std::vector<HeardAccessPoint> found;
  if (!s.sim_air) return found;
  for (HeardAccessPoint& h : espnow::emul::detail::access_points_heard(*s.sim_air, s.radio.position(), channels))
    if ((ssid.empty() || h.ap.ssid == ssid) && (!bssid || h.ap.bssid == *bssid)) found.push_back(std::move(h));
  return found;
}

// Why a station configured so cannot join `ap`; 0 when it can.
int refusal(const wifi_sta_config_t& config, const wifi_ap_record_t& ap, const std::string& password) {
  if (bits_of(config.threshold.authmode) > bits_of(ap.authmode)) return WIFI_REASON_NO_AP_FOUND_W_COMPATIBLE_SECURITY;
  if (password.empty()) return 0;
  const std::string given(reinterpret_cast<const char*>(config.password), text_length(config.password, 64));
  return given == password ? 0 : WIFI_REASON_4WAY_HANDSHAKE_TIMEOUT;  // a WPA2 handshake with the wrong key
}

void post_disconnected(const std::uint8_t (&ssid)[32], const std::uint8_t* bssid, int reason, int rssi) {
  wifi_event_sta_disconnected_t event{};
  std::memcpy(event.ssid, ssid, sizeof event.ssid);
  event.ssid_len = static_cast<uint8_t>(text_length(event.ssid, sizeof event.ssid));
  if (bssid) std::memcpy(event.bssid, bssid, sizeof event.bssid);
  event.reason = static_cast<uint8_t>(reason);
  event.rssi = static_cast<int8_t>(rssi);
  ESP_LOGI(kTag, "\"%.*s\": WIFI_EVENT_STA_DISCONNECTED, reason %d", event.ssid_len,
           reinterpret_cast<const char*>(event.ssid), reason);
  (void)esp_event_post(WIFI_EVENT, WIFI_EVENT_STA_DISCONNECTED, &event, sizeof event, portMAX_DELAY);
}

// The router's DHCP lease for the chip's STA interface (esp_netif.h).
void post_got_ip(const espnow::MacAddress& mac) {
  esp_netif_t* netif = esp_netif_get_handle_from_ifkey("WIFI_STA_DEF");
  if (!netif) return;  // no interface: no DHCP client asks
  ip_event_got_ip_t event{};
  event.esp_netif = netif;
  const auto addr = [](unsigned d) { return esp_ip4_addr_t{htonl(0xC0A80100u | d)}; };  // 192.168.1.d
  event.ip_info = {addr(2 + mac.bytes[5] % 250), esp_ip4_addr_t{htonl(0xFFFFFF00u)}, addr(1)};
  event.ip_changed = true;
  ESP_LOGI("esp_netif_handlers", "sta ip: " IPSTR ", mask: " IPSTR ", gw: " IPSTR, IP2STR(&event.ip_info.ip),
           IP2STR(&event.ip_info.netmask), IP2STR(&event.ip_info.gw));
  (void)esp_event_post(IP_EVENT, IP_EVENT_STA_GOT_IP, &event, sizeof event, portMAX_DELAY);
}

// A connection attempt's end, on the chip's esp_timer task: the strongest
// router of the configured SSID (and BSSID) that the chip hears on the
// country's channels, if it accepts the station.
void connection_ends(ChipState& s) {
  wifi_sta_config_t config;
  std::vector<HeardAccessPoint> found;
  {
    std::lock_guard lk(s.wifi_mutex);
    config = s.sta_config;
    const std::string ssid(reinterpret_cast<const char*>(config.ssid), text_length(config.ssid, sizeof config.ssid));
    std::optional<espnow::MacAddress> bssid;
    if (config.bssid_set) bssid = espnow::MacAddress::read(config.bssid);
    found = routers_heard(s, country_channels(s.country), ssid, bssid);
  }
  if (found.empty()) return post_disconnected(config.ssid, nullptr, WIFI_REASON_NO_AP_FOUND, 0);
  const wifi_ap_record_t ap = record_of(found.front());
  if (const int reason = refusal(config, ap, found.front().ap.password))
    return post_disconnected(config.ssid, ap.bssid, reason, ap.rssi);
  {
    std::lock_guard lk(s.wifi_mutex);
    s.connected_ap = ap;
    (void)s.radio.set_channel(ap.primary);  // the chip's one radio follows its router
  }
  wifi_event_sta_connected_t event{};
  std::memcpy(event.ssid, ap.ssid, sizeof event.ssid);
  event.ssid_len = static_cast<uint8_t>(text_length(ap.ssid, sizeof event.ssid));
  std::memcpy(event.bssid, ap.bssid, sizeof event.bssid);
  event.channel = ap.primary;
  event.authmode = ap.authmode;
  event.aid = 1;
  ESP_LOGI(kTag, "connected with %.*s, aid = 1, channel %d", event.ssid_len, reinterpret_cast<const char*>(event.ssid),
           event.channel);
  (void)esp_event_post(WIFI_EVENT, WIFI_EVENT_STA_CONNECTED, &event, sizeof event, portMAX_DELAY);
  post_got_ip(s.factory_mac);
}

// The scan's end: WIFI_EVENT_SCAN_DONE with the routers it heard.
void scan_done(ChipState& s) {
  wifi_event_sta_scan_done_t event{};
  {
    std::lock_guard lk(s.wifi_mutex);
    s.scan_results.clear();
    for (const HeardAccessPoint& h : routers_heard(s, s.scan_channels, s.scan_ssid, s.scan_bssid))
      s.scan_results.push_back(record_of(h));
    event.number = static_cast<uint8_t>(std::min<std::size_t>(s.scan_results.size(), UINT8_MAX));
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

// --- sweeps: the radio on each channel of a scan in turn, then back home.

// Begins a sweep of `channels` (bit c: channel c) from the radio's
// channel, `dwell` on each. A connected station goes back to its router's
// channel for `home_dwell` between two (ESP-IDF's home_chan_dwell_time).
void begin_sweep_locked(ChipState& s, ChipState::Sweep what, std::uint16_t channels, std::uint64_t dwell,
                        std::uint64_t home_dwell) {
  s.sweeping = what;
  s.home_channel = s.radio.channel();
  s.sweep_legs.clear();
  for (std::uint8_t c = 1; c <= 14; ++c) {
    if (!(channels >> c & 1u)) continue;
    if (s.connected_ap && !s.sweep_legs.empty()) s.sweep_legs.push_back({s.home_channel, home_dwell});
    s.sweep_legs.push_back({c, dwell});
  }
  s.sweep_next = 0;
}

// Moves the radio to the sweep's next leg and says how long it stays;
// nothing when every leg is done: the radio is back home and the sweep over.
std::optional<std::uint64_t> sweep_on_locked(ChipState& s) {
  if (s.sweep_next < s.sweep_legs.size()) {
    const ChipState::SweepLeg leg = s.sweep_legs[s.sweep_next++];
    (void)s.radio.set_channel(leg.channel);
    return leg.us;
  }
  (void)s.radio.set_channel(s.home_channel);
  s.sweeping = ChipState::Sweep::none;
  return std::nullopt;
}

// What ends a sweep: the scan's records, or the connection attempt's outcome.
void sweep_ends(ChipState& s, ChipState::Sweep what) {
  if (what == ChipState::Sweep::scan) scan_done(s);
  else connection_ends(s);
}

// A sweep that does not block, one step per firing on the chip's esp_timer task.
void sweep_step(void* arg) {
  auto& s = *static_cast<ChipState*>(arg);
  ChipState::Sweep what;
  {
    std::lock_guard lk(s.wifi_mutex);
    what = s.sweeping;
    if (what == ChipState::Sweep::none) return;  // stopped meanwhile
    if (const auto us = sweep_on_locked(s)) return void(esp_timer_start_once(s.sweep_timer, *us));
  }
  sweep_ends(s, what);
}

// Starts a sweep that does not block: its first step at once.
esp_err_t start_sweep_locked(ChipState& s, ChipState::Sweep what, std::uint16_t channels, std::uint64_t dwell,
                             std::uint64_t home_dwell) {
  if (!s.sweep_timer) {
    const esp_timer_create_args_t args{.callback = sweep_step, .arg = &s, .dispatch_method = ESP_TIMER_TASK,
                                       .name = "wifi scan", .skip_unhandled_events = false};
    if (const esp_err_t e = esp_timer_create(&args, &s.sweep_timer)) return e;
  }
  (void)esp_timer_stop(s.sweep_timer);  // INVALID_STATE when not armed
  begin_sweep_locked(s, what, channels, dwell, home_dwell);
  return esp_timer_start_once(s.sweep_timer, sweep_on_locked(s).value_or(0));
}

// Ends a sweep of `what` early, the radio back home, with no event.
void cancel_sweep_locked(ChipState& s, ChipState::Sweep what) {
  if (s.sweeping == ChipState::Sweep::none || s.sweeping != what) return;
  if (s.sweep_timer) (void)esp_timer_stop(s.sweep_timer);  // INVALID_STATE once it has fired
  (void)s.radio.set_channel(s.home_channel);
  s.sweeping = ChipState::Sweep::none;
}

}  // namespace

namespace espnow::emul::detail {

void ChipState::apply_ap_channel_locked() {
  if (wifi_started && has_ap(mode) && ap_config.channel != 0) (void)radio.set_channel(ap_config.channel);
}

void ChipState::stop_station_locked() {
  cancel_sweep_locked(*this, sweeping);
  connected_ap.reset();
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
    // A connecting scan takes precedence over a user's (ESP-IDF's Wi-Fi
    // guide), which ends with no event; a second call starts the attempt's
    // scan again.
    cancel_sweep_locked(s, s.sweeping);
    s.connected_ap.reset();
    return start_sweep_locked(s, ChipState::Sweep::connect, country_channels(s.country), dwell_us(nullptr), 0);
  });
}

esp_err_t esp_wifi_disconnect(void) {
  std::optional<wifi_ap_record_t> left;
  std::uint8_t ssid[32];
  const esp_err_t e = with_wifi([&](ChipState& s) {
    if (!s.wifi_started) return ESP_ERR_WIFI_NOT_STARTED;
    cancel_sweep_locked(s, ChipState::Sweep::connect);
    left = std::exchange(s.connected_ap, std::nullopt);
    std::memcpy(ssid, s.sta_config.ssid, sizeof ssid);
    return ESP_OK;
  });
  if (left) post_disconnected(ssid, left->bssid, WIFI_REASON_ASSOC_LEAVE, left->rssi);
  return e;
}

esp_err_t esp_wifi_sta_get_ap_info(wifi_ap_record_t* ap_info) {
  return with_wifi([ap_info](ChipState& s) {
    if (!ap_info) return ESP_ERR_INVALID_ARG;
    if (!has_sta(s.mode)) return ESP_ERR_WIFI_CONN;
    if (!s.connected_ap) return ESP_ERR_WIFI_NOT_CONNECT;
    *ap_info = *s.connected_ap;
    return ESP_OK;
  });
}

esp_err_t esp_wifi_scan_start(const wifi_scan_config_t* config, bool block) {
  ChipState* chip = nullptr;
  const esp_err_t e = with_wifi([&](ChipState& s) {
    if (!s.wifi_started) return ESP_ERR_WIFI_NOT_STARTED;
    if (s.sweeping != ChipState::Sweep::none) return ESP_ERR_WIFI_STATE;
    s.scan_channels = scan_channels(config, s.country);
    s.scan_ssid.clear();
    if (config && config->ssid)
      s.scan_ssid.assign(reinterpret_cast<const char*>(config->ssid), text_length(config->ssid, 32));
    s.scan_bssid.reset();
    if (config && config->bssid) s.scan_bssid = espnow::MacAddress::read(config->bssid);
    chip = &s;
    if (!block)
      return start_sweep_locked(s, ChipState::Sweep::scan, s.scan_channels, dwell_us(config), home_dwell_us(config));
    begin_sweep_locked(s, ChipState::Sweep::scan, s.scan_channels, dwell_us(config), home_dwell_us(config));
    return ESP_OK;
  });
  if (e != ESP_OK || !block) return e;
  // The caller's time, channel by channel, on the chip's clock.
  for (;;) {
    std::uint64_t us;
    {
      std::lock_guard lk(chip->wifi_mutex);
      if (chip->sweeping != ChipState::Sweep::scan) return ESP_OK;  // stopped meanwhile
      const auto leg = sweep_on_locked(*chip);
      if (!leg) break;
      us = *leg;
    }
    for (; us > UINT32_MAX; us -= UINT32_MAX) esp_rom_delay_us(UINT32_MAX);
    esp_rom_delay_us(static_cast<uint32_t>(us));
  }
  scan_done(*chip);
  return ESP_OK;
}

esp_err_t esp_wifi_scan_stop(void) {
  return with_wifi([](ChipState& s) {
    if (!s.wifi_started) return ESP_ERR_WIFI_NOT_STARTED;
    cancel_sweep_locked(s, ChipState::Sweep::scan);
    return ESP_OK;
  });
}

esp_err_t esp_wifi_scan_get_ap_num(uint16_t* number) {
  return with_wifi([number](ChipState& s) {
    if (!number) return ESP_ERR_INVALID_ARG;
    if (!s.wifi_started) return ESP_ERR_WIFI_NOT_STARTED;
    *number = static_cast<uint16_t>(s.scan_results.size());
    return ESP_OK;
  });
}

// Up to *number records, strongest first; *number becomes how many. The
// list is freed, as ESP-IDF frees it.
esp_err_t esp_wifi_scan_get_ap_records(uint16_t* number, wifi_ap_record_t* ap_records) {
  return with_wifi([number, ap_records](ChipState& s) {
    if (!number || !ap_records) return ESP_ERR_INVALID_ARG;
    if (!s.wifi_started) return ESP_ERR_WIFI_NOT_STARTED;
    *number = static_cast<uint16_t>(std::min<std::size_t>(*number, s.scan_results.size()));
    std::copy_n(s.scan_results.begin(), *number, ap_records);
    s.scan_results.clear();
    return ESP_OK;
  });
}

esp_err_t esp_wifi_clear_ap_list(void) {
  return with_wifi([](ChipState& s) {
    s.scan_results.clear();
    return ESP_OK;
  });
}

}  // extern "C"
