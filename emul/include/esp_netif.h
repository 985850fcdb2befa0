/* ESP-IDF's esp_netif.h, as far as an ESP-NOW application calls it (host
 * emulation; ESP-IDF v5.5,
 * https://docs.espressif.com/projects/esp-idf/en/v5.5/esp32/api-reference/network/esp_netif.html).
 * The emulated chip has no IP stack: the default interfaces exist so the
 * usual start-up runs, and carry no traffic. A station that connects to a
 * router of the simulation (add_access_point) with the default STA interface
 * created gets IP_EVENT_STA_GOT_IP: an address on the router's
 * 192.168.1.0/24 made from its MAC (192.168.1.(2 + last byte % 250)), the
 * router at 192.168.1.1. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "esp_err.h"
#include "esp_event.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct esp_netif_obj esp_netif_t;

/* esp_netif_types.h's address types and IP events. */
typedef struct {
  uint32_t addr; /* network order */
} esp_ip4_addr_t;

typedef struct {
  esp_ip4_addr_t ip;
  esp_ip4_addr_t netmask;
  esp_ip4_addr_t gw;
} esp_netif_ip_info_t;

typedef enum {
  IP_EVENT_STA_GOT_IP,
  IP_EVENT_STA_LOST_IP,
  IP_EVENT_AP_STAIPASSIGNED,
  IP_EVENT_GOT_IP6,
  IP_EVENT_ETH_GOT_IP,
  IP_EVENT_ETH_LOST_IP,
  IP_EVENT_PPP_GOT_IP,
  IP_EVENT_PPP_LOST_IP,
} ip_event_t;

/* IP_EVENT_STA_GOT_IP's data. */
typedef struct {
  esp_netif_t* esp_netif;
  esp_netif_ip_info_t ip_info;
  bool ip_changed;
} ip_event_got_ip_t;

ESP_EVENT_DECLARE_BASE(IP_EVENT);

#define esp_ip4_addr_get_byte(ipaddr, idx) (((const uint8_t*)(&(ipaddr)->addr))[idx])
#define esp_ip4_addr1(ipaddr) esp_ip4_addr_get_byte(ipaddr, 0)
#define esp_ip4_addr2(ipaddr) esp_ip4_addr_get_byte(ipaddr, 1)
#define esp_ip4_addr3(ipaddr) esp_ip4_addr_get_byte(ipaddr, 2)
#define esp_ip4_addr4(ipaddr) esp_ip4_addr_get_byte(ipaddr, 3)
#define esp_ip4_addr1_16(ipaddr) ((uint16_t)esp_ip4_addr1(ipaddr))
#define esp_ip4_addr2_16(ipaddr) ((uint16_t)esp_ip4_addr2(ipaddr))
#define esp_ip4_addr3_16(ipaddr) ((uint16_t)esp_ip4_addr3(ipaddr))
#define esp_ip4_addr4_16(ipaddr) ((uint16_t)esp_ip4_addr4(ipaddr))
#define IP2STR(ipaddr) esp_ip4_addr1_16(ipaddr), esp_ip4_addr2_16(ipaddr), esp_ip4_addr3_16(ipaddr), esp_ip4_addr4_16(ipaddr)
#define IPSTR "%d.%d.%d.%d"

/* ESP_OK, also the second time. */
esp_err_t esp_netif_init(void);
/* As ESP-IDF: the chip's default event loop must exist (else the program
 * stops, as ESP-IDF's ESP_ERROR_CHECK inside it does); one per chip, the
 * same object when asked again. */
esp_netif_t* esp_netif_create_default_wifi_sta(void);
esp_netif_t* esp_netif_create_default_wifi_ap(void);
void esp_netif_destroy_default_wifi(void* esp_netif);
/* The default interfaces by key ("WIFI_STA_DEF", "WIFI_AP_DEF"): NULL when
 * the chip has not created it. */
esp_netif_t* esp_netif_get_handle_from_ifkey(const char* if_key);

#ifdef __cplusplus
}
#endif
