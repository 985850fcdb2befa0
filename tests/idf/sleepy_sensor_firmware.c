/* The ESP-NOW node most battery projects are: it wakes from deep sleep,
 * sends one reading to its collector, waits for the send callback, and
 * sleeps deep again; what it must remember between wakes it keeps in RTC
 * memory. Chip 1 (MAC ...:01) is the collector, always on, printing what
 * it hears; the others are sensors waking every second. Run as chips of a
 * simulation (tests/CMakeLists.txt, idf.sim_sleepy_sensors_*):
 *   sleepy_sensor_c --sim 4 --sim-seconds 20
 * A sensor's reading carries its wake count (RTC_DATA_ATTR) and how many
 * of its sends were not acknowledged so far, and its time of day, which
 * runs on through the sleeps. Built with SLEEP_IN_SEND_CB, a sensor sleeps
 * from its send callback instead of its main task. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

#include "esp_attr.h"
#include "esp_mac.h"
#include "esp_now.h"
#include "esp_sleep.h"
#include "esp_wifi.h"
#include "freertos/FreeRTOS.h"
#include "freertos/semphr.h"
#include "nvs_flash.h"

static const uint8_t s_collector[ESP_NOW_ETH_ALEN] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
static const uint64_t SLEEP_US = 1000 * 1000;

static RTC_DATA_ATTR uint32_t s_wakes;
static RTC_DATA_ATTR uint32_t s_unacknowledged;
static SemaphoreHandle_t s_sent;
static int s_heard;

static void send_cb(const esp_now_send_info_t* info, esp_now_send_status_t status) {
  (void)info;
  if (status != ESP_NOW_SEND_SUCCESS) ++s_unacknowledged;
#ifdef SLEEP_IN_SEND_CB
  esp_deep_sleep(SLEEP_US); /* as many nodes do: straight from the callback, on the Wi-Fi task */
#endif
  xSemaphoreGive(s_sent);
}

static void recv_cb(const esp_now_recv_info_t* info, const uint8_t* data, int len) {
  printf("collector heard %02x: %.*s (%d in all)\n", info->src_addr[5], len, (const char*)data, ++s_heard);
}

static void start_espnow(void) {
  ESP_ERROR_CHECK(nvs_flash_init());
  wifi_init_config_t cfg = WIFI_INIT_CONFIG_DEFAULT();
  ESP_ERROR_CHECK(esp_wifi_init(&cfg));
  ESP_ERROR_CHECK(esp_wifi_set_mode(WIFI_MODE_STA));
  ESP_ERROR_CHECK(esp_wifi_start());
  ESP_ERROR_CHECK(esp_now_init());
}

static void report_and_sleep(void) {
  esp_now_peer_info_t peer = {0};
  memcpy(peer.peer_addr, s_collector, ESP_NOW_ETH_ALEN);
  ESP_ERROR_CHECK(esp_now_add_peer(&peer));
  ESP_ERROR_CHECK(esp_now_register_send_cb(send_cb));
  struct timeval now;
  gettimeofday(&now, NULL);
  char reading[64];
  const int len = snprintf(reading, sizeof reading, "wake %" PRIu32 " at %lld s, %" PRIu32 " unacknowledged",
                           ++s_wakes, (long long)now.tv_sec, s_unacknowledged);
  ESP_ERROR_CHECK(esp_now_send(s_collector, (const uint8_t*)reading, (size_t)len));
  xSemaphoreTake(s_sent, portMAX_DELAY);
  esp_deep_sleep(SLEEP_US);
}

void app_main(void) {
  s_sent = xSemaphoreCreateBinary();
  uint8_t mac[ESP_NOW_ETH_ALEN];
  ESP_ERROR_CHECK(esp_read_mac(mac, ESP_MAC_WIFI_STA));
  start_espnow();
  if (memcmp(mac, s_collector, ESP_NOW_ETH_ALEN) == 0) {
    ESP_ERROR_CHECK(esp_now_register_recv_cb(recv_cb));
    return; /* the collector listens on: its callback runs on the Wi-Fi task */
  }
  report_and_sleep();
}
