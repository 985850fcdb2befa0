/* Firmware written the way ESP-IDF's examples are: its state in static
 * globals (the queue its receive callback fills, its own MAC, its counters),
 * created in app_main and used by its task and callbacks. Each chip of a
 * --sim run must have its own copy of them, as each ESP32 has its own RAM.
 *
 * Each chip broadcasts "hello from MAC #n" five times, 200 ms apart, counts
 * who it heard and what its sends reported, then prints one line:
 *   me MAC sent 5 ok 5 heard 02:00:00:00:00:01=5 02:00:00:00:00:02=5 ...
 * With the globals shared, every chip would call itself the last one to boot
 * and read one queue between them. */
#include <stdio.h>
#include <string.h>

#include "esp_log.h"
#include "esp_mac.h"
#include "esp_now.h"
#include "esp_wifi.h"
#include "freertos/FreeRTOS.h"
#include "freertos/queue.h"
#include "freertos/task.h"

#define CHIPS 4
#define ROUNDS 5

typedef struct {
  uint8_t src[ESP_NOW_ETH_ALEN];
} heard_t;

static const char* TAG = "globals";
static const uint8_t s_broadcast[ESP_NOW_ETH_ALEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static QueueHandle_t s_queue;
static uint8_t s_mac[ESP_NOW_ETH_ALEN];
static int s_heard[CHIPS + 1];
static int s_sent;
static int s_sent_ok;

static void send_cb(const esp_now_send_info_t* info, esp_now_send_status_t status) {
  (void)info;
  if (status == ESP_NOW_SEND_SUCCESS) ++s_sent_ok;
}

static void recv_cb(const esp_now_recv_info_t* info, const uint8_t* data, int len) {
  (void)data;
  (void)len;
  heard_t h;
  memcpy(h.src, info->src_addr, ESP_NOW_ETH_ALEN);
  if (xQueueSend(s_queue, &h, 0) != pdTRUE) ESP_LOGW(TAG, "queue full");
}

static void count_what_was_heard(void) {
  heard_t h;
  while (xQueueReceive(s_queue, &h, 0) == pdTRUE) {
    const int n = h.src[5];
    if (n >= 1 && n <= CHIPS) ++s_heard[n];
  }
}

static void hello_task(void* arg) {
  (void)arg;
  vTaskDelay(pdMS_TO_TICKS(200)); /* the others have booted (--boot-spread 100) */
  for (int round = 0; round < ROUNDS; ++round) {
    char message[48];
    const int len = snprintf(message, sizeof message, "hello from " MACSTR " #%d", MAC2STR(s_mac), round);
    if (esp_now_send(s_broadcast, (const uint8_t*)message, (size_t)len) == ESP_OK) ++s_sent;
    vTaskDelay(pdMS_TO_TICKS(200));
    count_what_was_heard();
  }
  vTaskDelay(pdMS_TO_TICKS(200));
  count_what_was_heard();
  printf("me " MACSTR " sent %d ok %d heard", MAC2STR(s_mac), s_sent, s_sent_ok);
  for (int n = 1; n <= CHIPS; ++n) printf(" 02:00:00:00:00:%02x=%d", n, s_heard[n]);
  printf("\n");
  vTaskDelete(NULL);
}

void app_main(void) {
  s_queue = xQueueCreate(16, sizeof(heard_t));
  ESP_ERROR_CHECK(esp_read_mac(s_mac, ESP_MAC_WIFI_STA));
  wifi_init_config_t cfg = WIFI_INIT_CONFIG_DEFAULT();
  ESP_ERROR_CHECK(esp_wifi_init(&cfg));
  ESP_ERROR_CHECK(esp_wifi_set_mode(WIFI_MODE_STA));
  ESP_ERROR_CHECK(esp_wifi_start());
  ESP_ERROR_CHECK(esp_now_init());
  ESP_ERROR_CHECK(esp_now_register_send_cb(send_cb));
  ESP_ERROR_CHECK(esp_now_register_recv_cb(recv_cb));
  esp_now_peer_info_t peer;
  memset(&peer, 0, sizeof peer);
  memcpy(peer.peer_addr, s_broadcast, ESP_NOW_ETH_ALEN);
  peer.ifidx = WIFI_IF_STA;
  ESP_ERROR_CHECK(esp_now_add_peer(&peer));
  xTaskCreate(hello_task, "hello", 4096, NULL, 4, NULL);
}
