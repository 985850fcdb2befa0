/* Which board a program's default chip emulates: ESPNOW_VERSION=2 is a chip
 * whose firmware was built on ESP-IDF >= 5.4 (ESP-NOW v2), ESPNOW_MAC its
 * address. It prints the chip's MACs, the driver's version and whether a
 * 1470-byte broadcast is accepted. */
#include <stdio.h>
#include <string.h>

#include "esp_mac.h"
#include "esp_now.h"
#include "esp_wifi.h"

int main(void) {
  wifi_init_config_t cfg = WIFI_INIT_CONFIG_DEFAULT();
  esp_err_t err = esp_wifi_init(&cfg);
  if (err == ESP_OK) err = esp_wifi_set_mode(WIFI_MODE_STA);
  if (err == ESP_OK) err = esp_wifi_start();
  if (err == ESP_OK) err = esp_now_init();
  esp_now_peer_info_t peer;
  memset(&peer, 0, sizeof peer);
  memset(peer.peer_addr, 0xff, ESP_NOW_ETH_ALEN);
  if (err == ESP_OK) err = esp_now_add_peer(&peer);
  if (err != ESP_OK) {
    printf("setup failed: %s\n", esp_err_to_name(err));
    return 1;
  }
  uint8_t sta[6], ap[6], read_ap[6];
  esp_wifi_get_mac(WIFI_IF_STA, sta);
  esp_wifi_get_mac(WIFI_IF_AP, ap);
  esp_read_mac(read_ap, ESP_MAC_WIFI_SOFTAP);
  /* On silicon the soft-AP MAC is the base (STA) MAC with its last byte + 1. */
  const int ap_is_sta_plus_1 = memcmp(sta, ap, 5) == 0 && ap[5] == (uint8_t)(sta[5] + 1) && memcmp(ap, read_ap, 6) == 0;
  const int local_unicast = (sta[0] & 0x03) == 0x02;
  printf("sta " MACSTR " ap " MACSTR " (ap = sta + 1: %s, locally administered unicast: %s)\n", MAC2STR(sta), MAC2STR(ap),
         ap_is_sta_plus_1 ? "yes" : "no", local_unicast ? "yes" : "no");
  uint32_t version = 0;
  esp_now_get_version(&version);
  static uint8_t big[ESP_NOW_MAX_DATA_LEN_V2];
  const esp_err_t sent = esp_now_send(peer.peer_addr, big, sizeof big);
  printf("esp_now_get_version %u, 1470-byte send %s\n", (unsigned)version, esp_err_to_name(sent));
  esp_now_deinit();
  return 0;
}
