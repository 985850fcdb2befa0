/* Firmware that prints its chip's STA and soft-AP MACs: under --sim no
 * chip's soft-AP MAC may be another chip's STA MAC. */
#include <stdio.h>

#include "esp_mac.h"
#include "esp_wifi.h"

void app_main(void) {
  wifi_init_config_t cfg = WIFI_INIT_CONFIG_DEFAULT();
  ESP_ERROR_CHECK(esp_wifi_init(&cfg));
  uint8_t sta[6], ap[6];
  ESP_ERROR_CHECK(esp_wifi_get_mac(WIFI_IF_STA, sta));
  ESP_ERROR_CHECK(esp_wifi_get_mac(WIFI_IF_AP, ap));
  printf("sta " MACSTR " ap " MACSTR "\n", MAC2STR(sta), MAC2STR(ap));
}
