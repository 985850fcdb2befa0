/* Which ESP-IDF a program's default chip emulates: ESPNOW_VERSION=2 is a chip
 * whose firmware was built on ESP-IDF >= 5.4 (ESP-NOW v2). It prints the
 * driver's version and whether a 1470-byte broadcast is accepted. */
#include <stdio.h>
#include <string.h>

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
  uint32_t version = 0;
  esp_now_get_version(&version);
  static uint8_t big[ESP_NOW_MAX_DATA_LEN_V2];
  const esp_err_t sent = esp_now_send(peer.peer_addr, big, sizeof big);
  printf("esp_now_get_version %u, 1470-byte send %s\n", (unsigned)version, esp_err_to_name(sent));
  esp_now_deinit();
  return 0;
}
