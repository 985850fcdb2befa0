/* See echo_heartbeat_firmware.h. Written as firmware for one chip: the
 * callbacks run on the Wi-Fi task and only count or queue; the echoer's task
 * sends the echoes from the queue, the others' tasks beat with vTaskDelay.
 * Many chips run this one program in one process, so its state is per chip,
 * found by the chip's own MAC. */
#include "echo_heartbeat_firmware.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "esp_log.h"
#include "esp_mac.h"
#include "esp_now.h"
#include "esp_wifi.h"
#include "freertos/FreeRTOS.h"
#include "freertos/queue.h"
#include "freertos/task.h"

#define MAX_CHIPS 64
#define MESSAGE_MAX 32

static const char* TAG = "echo_hb";
static const uint8_t ECHOER[ESP_NOW_ETH_ALEN] = {0x02, 0, 0, 0, 0, ECHO_HEARTBEAT_ECHOER_LAST_BYTE};

typedef struct {
  uint8_t src[ESP_NOW_ETH_ALEN];
  uint8_t data[MESSAGE_MAX];
  int len;
} heard_t;

typedef struct {
  QueueHandle_t heard; /* the echoer's: what its receive callback heard */
  echo_heartbeat_counts_t counts;
} chip_t;

static chip_t s_chips[MAX_CHIPS];

static chip_t* this_chip(void) {
  uint8_t mac[ESP_NOW_ETH_ALEN];
  esp_read_mac(mac, ESP_MAC_WIFI_STA);
  return &s_chips[mac[5] % MAX_CHIPS];
}

static void send_cb(const esp_now_send_info_t* info, esp_now_send_status_t status) {
  (void)info;
  chip_t* c = this_chip();
  if (status == ESP_NOW_SEND_SUCCESS) ++c->counts.acked;
  else ++c->counts.failed;
}

static void recv_cb(const esp_now_recv_info_t* info, const uint8_t* data, int len) {
  chip_t* c = this_chip();
  if (len <= 0 || len > MESSAGE_MAX) return;
  ++c->counts.received;
  if (c->heard) {
    heard_t h;
    memcpy(h.src, info->src_addr, ESP_NOW_ETH_ALEN);
    memcpy(h.data, data, (size_t)len);
    h.len = len;
    if (xQueueSend(c->heard, &h, 0) != pdTRUE) ESP_LOGW(TAG, "echo queue full");
    return;
  }
  ESP_LOGI(TAG, "echo: %.*s", len, (const char*)data);
}

static void add_peer(const uint8_t* mac) {
  if (esp_now_is_peer_exist(mac)) return;
  esp_now_peer_info_t peer;
  memset(&peer, 0, sizeof peer);
  memcpy(peer.peer_addr, mac, ESP_NOW_ETH_ALEN);
  peer.ifidx = WIFI_IF_STA;
  ESP_ERROR_CHECK(esp_now_add_peer(&peer));
}

static void echo_task(void* arg) {
  chip_t* c = (chip_t*)arg;
  heard_t h;
  for (;;) {
    if (xQueueReceive(c->heard, &h, portMAX_DELAY) != pdTRUE) continue;
    add_peer(h.src);
    ESP_LOGI(TAG, "from " MACSTR ": %.*s", MAC2STR(h.src), h.len, (const char*)h.data);
    esp_now_send(h.src, h.data, (size_t)h.len);
  }
}

static void heartbeat_task(void* arg) {
  chip_t* c = (chip_t*)arg;
  for (;;) {
    char message[MESSAGE_MAX];
    const int n = snprintf(message, sizeof message, "beat %u at %u", (unsigned)c->counts.beats,
                           (unsigned)xTaskGetTickCount());
    ++c->counts.beats;
    esp_now_send(ECHOER, (const uint8_t*)message, (size_t)n);
    if (c->counts.beats % 60 == 0)
      ESP_LOGI(TAG, "%u beats, %u acked, %u failed, %u echoes", (unsigned)c->counts.beats, (unsigned)c->counts.acked,
               (unsigned)c->counts.failed, (unsigned)c->counts.received);
    vTaskDelay(pdMS_TO_TICKS(1000));
  }
}

void echo_heartbeat_app_main(void) {
  wifi_init_config_t cfg = WIFI_INIT_CONFIG_DEFAULT();
  ESP_ERROR_CHECK(esp_wifi_init(&cfg));
  ESP_ERROR_CHECK(esp_wifi_set_storage(WIFI_STORAGE_RAM));
  ESP_ERROR_CHECK(esp_wifi_set_mode(WIFI_MODE_STA));
  ESP_ERROR_CHECK(esp_wifi_start());
  ESP_ERROR_CHECK(esp_now_init());
  uint8_t mac[ESP_NOW_ETH_ALEN];
  esp_read_mac(mac, ESP_MAC_WIFI_STA);
  chip_t* c = this_chip();
  const bool echoer = memcmp(mac, ECHOER, ESP_NOW_ETH_ALEN) == 0;
  if (echoer) c->heard = xQueueCreate(16, sizeof(heard_t));
  ESP_ERROR_CHECK(esp_now_register_send_cb(send_cb));
  ESP_ERROR_CHECK(esp_now_register_recv_cb(recv_cb));
  if (!echoer) add_peer(ECHOER);
  ESP_LOGI(TAG, "%s " MACSTR, echoer ? "echoer" : "heartbeat", MAC2STR(mac));
  xTaskCreate(echoer ? echo_task : heartbeat_task, echoer ? "echo" : "heartbeat", 4096, c, 4, NULL);
}

echo_heartbeat_counts_t echo_heartbeat_counts(uint8_t last_byte) { return s_chips[last_byte % MAX_CHIPS].counts; }

void echo_heartbeat_reset(void) {
  for (int i = 0; i < MAX_CHIPS; ++i) {
    if (s_chips[i].heard) vQueueDelete(s_chips[i].heard);
    memset(&s_chips[i], 0, sizeof s_chips[i]);
  }
}
