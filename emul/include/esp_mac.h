/* ESP-IDF's esp_mac.h, the subset ESP-NOW code uses (host emulation).
 * Names and values matched against ESP-IDF v5.5 as documented. */
#pragma once

#include <stdint.h>

#include "esp_err.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  ESP_MAC_WIFI_STA,
  ESP_MAC_WIFI_SOFTAP,
  ESP_MAC_BT,
  ESP_MAC_ETH,
  ESP_MAC_IEEE802154,   /* not on an ESP32 */
  ESP_MAC_BASE,         /* what the others derive from */
  ESP_MAC_EFUSE_FACTORY,
  ESP_MAC_EFUSE_CUSTOM,
  ESP_MAC_EFUSE_EXT,    /* not on an ESP32 */
} esp_mac_type_t;

#define ONE_UNIVERSAL_MAC_ADDR 1
#define TWO_UNIVERSAL_MAC_ADDR 2
#define FOUR_UNIVERSAL_MAC_ADDR 4
#define UNIVERSAL_MAC_ADDR_NUM FOUR_UNIVERSAL_MAC_ADDR

#define MACSTR "%02x:%02x:%02x:%02x:%02x:%02x"
#define MAC2STR(a) (a)[0], (a)[1], (a)[2], (a)[3], (a)[4], (a)[5]

/* The selected chip's MAC of `type`. An ESP32 derives four from its base:
 * STA, soft-AP (+1), Bluetooth (+2) and Ethernet (+3 in the last byte).
 * Until esp_base_mac_addr_set or esp_iface_mac_addr_set, STA and soft-AP
 * are the radio's (a chip of --sim has its soft-AP MAC in a block of its
 * own). ESP_MAC_BASE: the base; ESP_MAC_EFUSE_FACTORY: the factory MAC;
 * ESP_MAC_EFUSE_CUSTOM: ESP_ERR_INVALID_MAC (no custom eFuse burned).
 * ESP_ERR_NOT_SUPPORTED for the 802.15.4 types, which an ESP32 lacks;
 * ESP_ERR_INVALID_ARG for a null pointer or an unknown type. */
esp_err_t esp_read_mac(uint8_t* mac, esp_mac_type_t type);
/* The chip's factory (eFuse) MAC: its STA MAC as the chip was made, whatever
 * esp_wifi_set_mac set since. ESP_ERR_INVALID_ARG for a null pointer. */
esp_err_t esp_efuse_mac_get_default(uint8_t* mac);
/* ESP_ERR_INVALID_MAC: no custom MAC is burned in the emulated eFuse.
 * ESP_ERR_INVALID_ARG for a null pointer. */
esp_err_t esp_efuse_mac_get_custom(uint8_t* mac);
/* The base the interfaces' MACs derive from, for a node with a fixed MAC:
 * call it before esp_wifi_init, which takes the MACs (called later, they
 * change at the next esp_wifi_init). ESP_ERR_INVALID_ARG for a null pointer
 * or a group MAC. Kept in RAM: a reboot forgets it. */
esp_err_t esp_base_mac_addr_set(const uint8_t* mac);
/* The base set, else the factory MAC. ESP_ERR_INVALID_ARG for null. */
esp_err_t esp_base_mac_addr_get(uint8_t* mac);
/* One interface's MAC instead of its derived one (ESP_MAC_BASE sets the
 * base), taken as esp_base_mac_addr_set's. ESP_ERR_INVALID_ARG for a null
 * pointer, a group MAC or a type that cannot be set (the eFuse's, the
 * 802.15.4 ones). */
esp_err_t esp_iface_mac_addr_set(const uint8_t* mac, esp_mac_type_t type);
/* `universal_mac` with the locally administered bit set; one that has it
 * already gets its first byte XORed with 0x4, a different local MAC.
 * ESP_ERR_INVALID_ARG for a null pointer. */
esp_err_t esp_derive_local_mac(uint8_t* local_mac, const uint8_t* universal_mac);

#ifdef __cplusplus
}
#endif
