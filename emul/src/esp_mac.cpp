// esp_mac.h on the selected emulated chip: its interfaces' MACs, the base
// they derive from, and what a firmware sets instead (a node with a fixed
// MAC). The Wi-Fi takes the STA and soft-AP MACs at esp_wifi_init, as its
// driver does, or at once before it.
#include "esp_mac.h"

#include <algorithm>
#include <mutex>
#include <optional>

#include "chip_state.hpp"

using espnow::Interface;
using espnow::MacAddress;
using espnow::emul::detail::ChipState;

namespace {

constexpr int kInterfaces = 4;  // STA, soft-AP, Bluetooth, Ethernet: an ESP32's four universal MACs

ChipState& chip() { return espnow::emul::detail::selected_state(); }

MacAddress read(const uint8_t* mac) {
  MacAddress m;
  std::copy(mac, mac + 6, m.bytes.begin());
  return m;
}

void write(const MacAddress& m, uint8_t* mac) { std::copy(m.bytes.begin(), m.bytes.end(), mac); }

// Interface `type`'s MAC from `base`: +type in the last byte, as an ESP32's
// four universal MACs are.
MacAddress derived(MacAddress base, int type) {
  base.bytes[5] = static_cast<uint8_t>(base.bytes[5] + type);
  return base;
}

// What `type` (an interface) reads as: its own MAC if set, else derived from
// the base if set, else the radio's (STA and soft-AP; the others from STA).
MacAddress interface_mac_locked(ChipState& s, int type) {
  if (s.interface_macs[type]) return *s.interface_macs[type];
  if (s.base_mac) return derived(*s.base_mac, type);
  if (type == ESP_MAC_WIFI_SOFTAP) return s.radio.mac(Interface::ap);
  return derived(s.radio.mac(Interface::sta), type);
}

// Before esp_wifi_init the Wi-Fi takes what was set at once.
esp_err_t set_locked(ChipState& s, std::optional<MacAddress>& slot, const MacAddress& mac) {
  slot = mac;
  if (!s.wifi_init) espnow::emul::detail::apply_interface_macs_locked(s);
  return ESP_OK;
}

}  // namespace

namespace espnow::emul::detail {

void apply_interface_macs_locked(ChipState& s) {
  if (!s.base_mac && !s.interface_macs[ESP_MAC_WIFI_STA] && !s.interface_macs[ESP_MAC_WIFI_SOFTAP]) return;
  (void)s.radio.set_mac(Interface::sta, interface_mac_locked(s, ESP_MAC_WIFI_STA));
  (void)s.radio.set_mac(Interface::ap, interface_mac_locked(s, ESP_MAC_WIFI_SOFTAP));
}

}  // namespace espnow::emul::detail

extern "C" {

esp_err_t esp_read_mac(uint8_t* mac, esp_mac_type_t type) {
  if (!mac) return ESP_ERR_INVALID_ARG;
  ChipState& s = chip();
  std::lock_guard lk(s.wifi_mutex);
  switch (type) {
    case ESP_MAC_WIFI_STA:
    case ESP_MAC_WIFI_SOFTAP:
    case ESP_MAC_BT:
    case ESP_MAC_ETH: write(interface_mac_locked(s, type), mac); return ESP_OK;
    case ESP_MAC_BASE: write(s.base_mac.value_or(s.factory_mac), mac); return ESP_OK;
    case ESP_MAC_EFUSE_FACTORY: write(s.factory_mac, mac); return ESP_OK;
    case ESP_MAC_EFUSE_CUSTOM: return ESP_ERR_INVALID_MAC;
    case ESP_MAC_IEEE802154:
    case ESP_MAC_EFUSE_EXT: return ESP_ERR_NOT_SUPPORTED;
  }
  return ESP_ERR_INVALID_ARG;
}

// The factory MAC in eFuse: the base the others derive from, the STA MAC
// the chip was made with (esp_wifi_set_mac does not change it).
esp_err_t esp_efuse_mac_get_default(uint8_t* mac) {
  if (!mac) return ESP_ERR_INVALID_ARG;
  write(chip().factory_mac, mac);
  return ESP_OK;
}

esp_err_t esp_efuse_mac_get_custom(uint8_t* mac) { return mac ? ESP_ERR_INVALID_MAC : ESP_ERR_INVALID_ARG; }

esp_err_t esp_base_mac_addr_set(const uint8_t* mac) {
  if (!mac || (mac[0] & 0x01)) return ESP_ERR_INVALID_ARG;
  ChipState& s = chip();
  std::lock_guard lk(s.wifi_mutex);
  return set_locked(s, s.base_mac, read(mac));
}

esp_err_t esp_base_mac_addr_get(uint8_t* mac) {
  if (!mac) return ESP_ERR_INVALID_ARG;
  ChipState& s = chip();
  std::lock_guard lk(s.wifi_mutex);
  write(s.base_mac.value_or(s.factory_mac), mac);
  return ESP_OK;
}

esp_err_t esp_iface_mac_addr_set(const uint8_t* mac, esp_mac_type_t type) {
  if (!mac || (mac[0] & 0x01)) return ESP_ERR_INVALID_ARG;
  if (type == ESP_MAC_BASE) return esp_base_mac_addr_set(mac);
  if (type < ESP_MAC_WIFI_STA || type >= kInterfaces) return ESP_ERR_INVALID_ARG;
  ChipState& s = chip();
  std::lock_guard lk(s.wifi_mutex);
  return set_locked(s, s.interface_macs[type], read(mac));
}

esp_err_t esp_derive_local_mac(uint8_t* local_mac, const uint8_t* universal_mac) {
  if (!local_mac || !universal_mac) return ESP_ERR_INVALID_ARG;
  std::copy(universal_mac, universal_mac + 6, local_mac);
  if (local_mac[0] & 0x02) local_mac[0] ^= 0x04;
  else local_mac[0] |= 0x02;
  return ESP_OK;
}

}  // extern "C"
