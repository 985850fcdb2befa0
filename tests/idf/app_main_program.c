/* Firmware as ESP-IDF writes it: only app_main(), linked with
 * espnow_idf_emul_main, run as a process on a UDP air (tests/CMakeLists.txt,
 * idf.app_main_*). It counts its boots in NVS, restarts itself once (so
 * ESPNOW_NVS_DIR and the MAC must survive esp_restart), then broadcasts on
 * ESP-NOW and returns from app_main, leaving a periodic esp_timer that keeps
 * logging until the test signals the process. */
#include <string.h>

#include "esp_event.h"
#include "esp_log.h"
#include "esp_mac.h"
#include "esp_netif.h"
#include "esp_now.h"
#include "esp_system.h"
#include "esp_timer.h"
#include "esp_wifi.h"
#include "freertos/FreeRTOS.h"
#include "freertos/semphr.h"
#include "freertos/task.h"
#include "nvs.h"
#include "nvs_flash.h"

static const char* TAG = "app";
static const uint8_t BROADCAST[ESP_NOW_ETH_ALEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static int s_ticks;
static SemaphoreHandle_t s_sent;

static void tick(void* arg) {
  (void)arg;
  ESP_LOGI(TAG, "tick %d after app_main returned", ++s_ticks);
}

static void sent(const esp_now_send_info_t* info, esp_now_send_status_t status) {
  (void)info;
  ESP_LOGI(TAG, "broadcast sent: %s", status == ESP_NOW_SEND_SUCCESS ? "success" : "fail");
  xSemaphoreGive(s_sent);
}

/* Counts this boot in NVS, and says whether the MAC is the one NVS saw last boot. */
static uint32_t count_boot(const uint8_t mac[6], const char** same_mac) {
  ESP_ERROR_CHECK(nvs_flash_init());
  nvs_handle_t nvs;
  ESP_ERROR_CHECK(nvs_open("app", NVS_READWRITE, &nvs));
  uint32_t boots = 0;
  esp_err_t err = nvs_get_u32(nvs, "boots", &boots);
  if (err != ESP_ERR_NVS_NOT_FOUND) ESP_ERROR_CHECK(err);
  uint8_t last[6];
  size_t len = sizeof last;
  err = nvs_get_blob(nvs, "mac", last, &len);
  if (err != ESP_ERR_NVS_NOT_FOUND) ESP_ERROR_CHECK(err);
  *same_mac = err == ESP_ERR_NVS_NOT_FOUND ? "first boot" : memcmp(last, mac, 6) == 0 ? "yes" : "no";
  ESP_ERROR_CHECK(nvs_set_u32(nvs, "boots", ++boots));
  ESP_ERROR_CHECK(nvs_set_blob(nvs, "mac", mac, 6));
  ESP_ERROR_CHECK(nvs_commit(nvs));
  nvs_close(nvs);
  return boots;
}

static void start_espnow(void) {
  ESP_ERROR_CHECK(esp_netif_init());
  ESP_ERROR_CHECK(esp_event_loop_create_default());
  wifi_init_config_t cfg = WIFI_INIT_CONFIG_DEFAULT();
  ESP_ERROR_CHECK(esp_wifi_init(&cfg));
  ESP_ERROR_CHECK(esp_wifi_set_mode(WIFI_MODE_STA));
  ESP_ERROR_CHECK(esp_wifi_start());
  ESP_ERROR_CHECK(esp_now_init());
  ESP_ERROR_CHECK(esp_now_register_send_cb(sent));
  esp_now_peer_info_t peer;
  memset(&peer, 0, sizeof peer);
  memcpy(peer.peer_addr, BROADCAST, ESP_NOW_ETH_ALEN);
  peer.ifidx = WIFI_IF_STA;
  ESP_ERROR_CHECK(esp_now_add_peer(&peer));
  ESP_ERROR_CHECK(esp_now_send(BROADCAST, (const uint8_t*)"hello", 5));
}

void app_main(void) {
  uint8_t mac[6];
  ESP_ERROR_CHECK(esp_read_mac(mac, ESP_MAC_WIFI_STA));
  const char* same_mac = "";
  const uint32_t boots = count_boot(mac, &same_mac);
  ESP_LOGI(TAG, "boot %u reset reason %d free heap %u, same MAC as the last boot: %s", (unsigned)boots,
           (int)esp_reset_reason(), (unsigned)esp_get_free_heap_size(), same_mac);
  if (boots == 1) {
    ESP_LOGI(TAG, "restarting");
    esp_restart();
  }
  s_sent = xSemaphoreCreateBinary();
  start_espnow();
  if (xSemaphoreTake(s_sent, pdMS_TO_TICKS(5000)) != pdTRUE) ESP_LOGE(TAG, "no send report within 5 s");
  const esp_timer_create_args_t args = {.callback = tick, .name = "tick"};
  esp_timer_handle_t timer;
  ESP_ERROR_CHECK(esp_timer_create(&args, &timer));
  ESP_ERROR_CHECK(esp_timer_start_periodic(timer, 20 * 1000));
  ESP_LOGI(TAG, "app_main returns at %lld us", (long long)esp_timer_get_time());
}
