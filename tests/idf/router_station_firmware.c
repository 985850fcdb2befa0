/* A station that joins its router as ESP-IDF's station example does:
 * the default netif, an event handler that retries a failed attempt (three
 * times) and reports its address, then ESP-NOW broadcasts on whatever
 * channel the router put it on, which every chip prints as it hears them.
 * Run as chips of a simulation with a router:
 *   router_station_c --sim 3 --router home:correcthorse@6 */
#include <stdio.h>
#include <string.h>

#include "esp_event.h"
#include "esp_netif.h"
#include "esp_now.h"
#include "esp_wifi.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"

static const uint8_t s_broadcast[ESP_NOW_ETH_ALEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static int s_retries;
static volatile int s_online;

static void on_event(void* arg, esp_event_base_t base, int32_t id, void* data) {
  (void)arg;
  if (base == WIFI_EVENT && id == WIFI_EVENT_STA_START) {
    esp_wifi_connect();
  } else if (base == WIFI_EVENT && id == WIFI_EVENT_STA_DISCONNECTED) {
    const wifi_event_sta_disconnected_t* e = (const wifi_event_sta_disconnected_t*)data;
    printf("disconnected from %.*s, reason %d\n", e->ssid_len, (const char*)e->ssid, e->reason);
    if (++s_retries <= 3) esp_wifi_connect();
  } else if (base == WIFI_EVENT && id == WIFI_EVENT_STA_CONNECTED) {
    const wifi_event_sta_connected_t* e = (const wifi_event_sta_connected_t*)data;
    printf("joined %.*s on channel %d\n", e->ssid_len, (const char*)e->ssid, e->channel);
  } else if (base == IP_EVENT && id == IP_EVENT_STA_GOT_IP) {
    const ip_event_got_ip_t* e = (const ip_event_got_ip_t*)data;
    printf("got ip " IPSTR "\n", IP2STR(&e->ip_info.ip));
    s_online = 1;
  }
}

static void recv_cb(const esp_now_recv_info_t* info, const uint8_t* data, int len) {
  printf("heard '%.*s' from %02x\n", len, (const char*)data, info->src_addr[5]);
}

void app_main(void) {
  ESP_ERROR_CHECK(esp_netif_init());
  ESP_ERROR_CHECK(esp_event_loop_create_default());
  esp_netif_create_default_wifi_sta();
  wifi_init_config_t cfg = WIFI_INIT_CONFIG_DEFAULT();
  ESP_ERROR_CHECK(esp_wifi_init(&cfg));
  ESP_ERROR_CHECK(esp_event_handler_register(WIFI_EVENT, ESP_EVENT_ANY_ID, on_event, NULL));
  ESP_ERROR_CHECK(esp_event_handler_register(IP_EVENT, IP_EVENT_STA_GOT_IP, on_event, NULL));
  wifi_config_t config = {.sta = {.ssid = "home", .password = "correcthorse"}};
  ESP_ERROR_CHECK(esp_wifi_set_mode(WIFI_MODE_STA));
  ESP_ERROR_CHECK(esp_wifi_set_config(WIFI_IF_STA, &config));
  ESP_ERROR_CHECK(esp_wifi_start());
  ESP_ERROR_CHECK(esp_now_init());
  ESP_ERROR_CHECK(esp_now_register_recv_cb(recv_cb));
  esp_now_peer_info_t peer = {.ifidx = WIFI_IF_STA};
  memcpy(peer.peer_addr, s_broadcast, sizeof s_broadcast);
  ESP_ERROR_CHECK(esp_now_add_peer(&peer));
  while (!s_online) vTaskDelay(pdMS_TO_TICKS(100));
  vTaskDelay(pdMS_TO_TICKS(1000)); /* until the others, booted up to 100 ms apart, are there too */
  uint8_t channel = 0;
  wifi_second_chan_t second;
  ESP_ERROR_CHECK(esp_wifi_get_channel(&channel, &second));
  char message[24];
  const int len = snprintf(message, sizeof message, "online on %d", channel);
  ESP_ERROR_CHECK(esp_now_send(s_broadcast, (const uint8_t*)message, (size_t)len));
}
