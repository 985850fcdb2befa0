// What one emulated chip holds: its radio, the SoftLink standing in for
// Espressif's ESP-NOW stack, the Wi-Fi driver state esp_wifi_* sets, the
// registered C callbacks, and the Wi-Fi task that runs them.
#pragma once

#include <atomic>
#include <cstring>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>
#include <type_traits>

#include "esp_now.h"
#include "esp_timer.h"
#include "esp_wifi.h"
#include "chip_radio.hpp"
#include "chip_services.hpp"
#include "espnow_emul.hpp"
#include "gpio_pads.hpp"
#include "wifi_task.hpp"

namespace espnow::emul::detail {

struct ChipState final : WifiTask::Handler {
  ChipState(EmulatedChip& owner, AirRadio& radio, const SimAir* sim_air, const ChipOptions& options,
            std::function<void()> release);
  ~ChipState();
  ChipState(const ChipState&) = delete;
  ChipState& operator=(const ChipState&) = delete;

  // Puts the configured mode's interfaces on the air (or none when stopped).
  void apply_mode_locked();
  // The mode as the radio has it now: a test may switch an interface off
  // under the chip, as a firmware bug or a power rail might.
  wifi_mode_t live_mode_locked() const;
  // Light sleep (esp_sleep.cpp, counted): the radio is off while the chip
  // sleeps, then as it was, or as the mode says if that changed meanwhile.
  void sleep_radio_locked();
  void wake_radio_locked();
  // esp_wifi_station.cpp: a soft-AP's configured channel, when the soft-AP
  // runs; the connection attempt and the scan under way ended, with no event
  // (esp_wifi_stop).
  void apply_ap_channel_locked();
  void stop_station_locked();

  void on_received(const WifiTask::Received& r) override;
  void on_sniffed(const WifiTask::Received& r);
  // The promiscuous tap, on the air's delivery thread.
  void sniffed(std::span<const std::uint8_t> frame, const RxControl& rx);
  void on_sent(const WifiTask::Sent& s) override;
  static void link_received(void* self, const RecvInfo& info, std::span<const std::uint8_t> data);
  static void link_sent(void* self, const MacAddress& dst, SendStatus status);

  EmulatedChip& owner;
  Clock& clock;  // ChipOptions::clock
  AirRadio& radio;
  const SimAir* const sim_air;  // the in-process air the radio is on (its routers: add_access_point), else null
  const MacAddress factory_mac;  // the STA MAC it was made with: its eFuse MAC
  ChipRadio link_radio;  // the radio as the link sees it, with the promiscuous tap
  SoftLink link;
  std::function<void()> release_radio;

  std::mutex wifi_mutex;  // the fields below
  bool wifi_init = false;
  bool wifi_started = false;
  wifi_mode_t mode = WIFI_MODE_NULL;
  int asleep = 0;                   // tasks in esp_light_sleep_start
  bool mode_changed_asleep = false;  // esp_wifi_* changed the interfaces meanwhile
  bool sta_before_sleep = false, ap_before_sleep = false;
  bool promiscuous = false;  // esp_wifi_set_promiscuous: the radio sniffs while Wi-Fi runs
  wifi_sta_config_t sta_config{};  // esp_wifi_set_config's (esp_wifi_station.cpp)
  wifi_ap_config_t ap_config{};
  std::uint8_t protocols[2] = {WIFI_PROTOCOL_11B | WIFI_PROTOCOL_11G | WIFI_PROTOCOL_11N,
                               WIFI_PROTOCOL_11B | WIFI_PROTOCOL_11G | WIFI_PROTOCOL_11N};  // STA, AP
  wifi_ps_type_t power_save = WIFI_PS_MIN_MODEM;
  wifi_bandwidth_t bandwidths[2] = {WIFI_BW_HT40, WIFI_BW_HT40};  // STA, AP: an ESP32's default with 802.11n
  // esp_base_mac_addr_set's and esp_iface_mac_addr_set's (esp_mac.cpp), by
  // esp_mac_type_t: STA, soft-AP, Bluetooth, Ethernet. The Wi-Fi takes them
  // at esp_wifi_init, or at once before it.
  std::optional<MacAddress> base_mac;
  std::optional<MacAddress> interface_macs[4];
  std::uint16_t raw_sequence = 0;  // esp_wifi_80211_tx's system sequence numbers
  // A sweep: the radio visits channels in turn for a scan (esp_wifi_scan_start)
  // or a connection attempt's scan (esp_wifi_connect), then goes back to the
  // channel it came from (esp_wifi_station.cpp).
  enum class Sweep : std::uint8_t { none, scan, connect };
  Sweep sweeping = Sweep::none;
  struct SweepLeg {
    std::uint8_t channel;
    std::uint64_t us;  // how long the radio stays there
  };
  std::vector<SweepLeg> sweep_legs;  // in order
  std::size_t sweep_next = 0;        // the next leg; all done: the sweep ends
  std::uint8_t home_channel = 1;             // where the radio was when the sweep began
  esp_timer_handle_t sweep_timer = nullptr;  // the next step of a sweep that does not block, while armed
  std::uint8_t scans = 0;  // WIFI_EVENT_SCAN_DONE's scan_id
  // What the scan under way looks for: its channels (bit c: channel c), and
  // the SSID and BSSID it asked for (empty: any).
  std::uint16_t scan_channels = 0;
  std::string scan_ssid;
  std::optional<MacAddress> scan_bssid;
  std::vector<wifi_ap_record_t> scan_results;  // the last scan's, strongest first, until read or cleared
  std::optional<wifi_ap_record_t> connected_ap;  // the router the station is connected to
  // The channels it may use (esp_wifi_set_country): ESP-IDF's default, world safe mode.
  wifi_country_t country{{'0', '1', '\0'}, 1, 11, 20, WIFI_COUNTRY_POLICY_AUTO};

  std::mutex espnow_mutex;  // init/deinit against each other
  std::atomic<bool> espnow_init{false};
  // The registered callbacks, in the shape of the program's ESP-IDF.
  struct RecvCallback {
    espnow_emul_any_cb_t fn = nullptr;
    bool with_info = true;  // esp_now_recv_info_t (5.0+), else the source MAC
  };
  struct SendCallback {
    espnow_emul_any_cb_t fn = nullptr;
    bool with_info = true;  // esp_now_send_info_t (5.5+), else the destination MAC
  };
  void set_recv_cb(RecvCallback cb);
  void set_send_cb(SendCallback cb);
  RecvCallback recv_cb() const;
  SendCallback send_cb() const;

  // What the tap and the Wi-Fi task read as frames come (esp_wifi_set_promiscuous_*).
  std::atomic<wifi_promiscuous_cb_t> promiscuous_cb{nullptr};
  std::atomic<std::uint32_t> promiscuous_filter{~std::uint32_t{WIFI_PROMIS_FILTER_MASK_MISC}};
  std::atomic<std::uint32_t> promiscuous_ctrl_filter{0};

  mutable std::mutex cb_mutex;  // the two below: a function and its shape change together
  RecvCallback recv_cb_;
  SendCallback send_cb_;

  const std::function<void()> on_restart;  // ChipOptions::on_restart
  const std::function<void(std::optional<std::uint64_t>)> on_deep_sleep;  // ChipOptions::on_deep_sleep
  const std::function<void()> on_panic;  // ChipOptions::on_panic
  bool process_default = false;             // the default chip: esp_restart re-executes the program

  GpioPads gpio;  // driver/gpio.h

  std::mutex adc_mutex;  // the unit claims: ADC1, ADC2 (esp_adc/adc_oneshot.h)
  bool adc_claimed[2] = {false, false};

  // NVS, event loop, boot time: after the link, so the Wi-Fi task (below)
  // ends before the event loop it posts to.
  ChipServices services;

  WifiTask task;  // last: its thread starts once everything above exists
};

// An interface argument as the integer a C caller may have passed (C++
// may not load an enum holding a value out of its range).
inline int interface_number(wifi_interface_t ifx) {
  std::underlying_type_t<wifi_interface_t> n;
  std::memcpy(&n, &ifx, sizeof n);
  return static_cast<int>(n);
}

// The selected chip's state.
inline ChipState& selected_state() { return selected_chip().state(); }

// The MACs esp_base_mac_addr_set and esp_iface_mac_addr_set gave, onto the
// radio's interfaces (esp_mac.cpp); nothing when neither was called.
void apply_interface_macs_locked(ChipState& s);

// The chip the calling thread's esp_* calls act on, if it exists: its
// selection, else the process default once made (this never makes it).
EmulatedChip* chip_if_made();

// A call of the selected chip's Wi-Fi driver: `fn` with the Wi-Fi lock held
// once esp_wifi_init has run, ESP_ERR_WIFI_NOT_INIT before.
template <class Fn>
esp_err_t with_wifi(Fn fn) {
  ChipState& s = selected_state();
  std::lock_guard lk(s.wifi_mutex);
  if (!s.wifi_init) return ESP_ERR_WIFI_NOT_INIT;
  return fn(s);
}

}  // namespace espnow::emul::detail
