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
} esp_mac_type_t;

#define MACSTR "%02x:%02x:%02x:%02x:%02x:%02x"
#define MAC2STR(a) (a)[0], (a)[1], (a)[2], (a)[3], (a)[4], (a)[5]

/* The selected chip's STA or soft-AP MAC. ESP_ERR_INVALID_ARG for a null
 * pointer or another type. */
esp_err_t esp_read_mac(uint8_t* mac, esp_mac_type_t type);
/* The chip's factory (eFuse) MAC: its STA MAC as the chip was made, whatever
 * esp_wifi_set_mac set since. ESP_ERR_INVALID_ARG for a null pointer. */
esp_err_t esp_efuse_mac_get_default(uint8_t* mac);

#ifdef __cplusplus
}
#endif
