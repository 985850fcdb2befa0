/* A remote written as ESP-IDF firmware is: the BOOT button (GPIO 0, to
 * ground, pulled up) raises a falling-edge interrupt; its handler hands the
 * press to a task through a queue; the task broadcasts "press N from MAC"
 * over ESP-NOW. Every chip prints what it hears:
 *   heard 'press 1 from 02:00:00:00:00:01' at 1000 ms, button up
 * Run as chips of a simulation whose buttons --gpio presses. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "driver/gpio.h"
#include "esp_attr.h"
#include "esp_mac.h"
#include "esp_now.h"
#include "esp_timer.h"
#include "esp_wifi.h"
#include "freertos/FreeRTOS.h"
#include "freertos/queue.h"
#include "freertos/task.h"

#define BUTTON GPIO_NUM_0
#define ESP_INTR_FLAG_DEFAULT 0

static const uint8_t s_broadcast[ESP_NOW_ETH_ALEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static QueueHandle_t s_presses;
static uint8_t s_mac[ESP_NOW_ETH_ALEN];
static int s_count;

static void IRAM_ATTR button_isr(void* arg) {
  const uint32_t pad = (uint32_t)(uintptr_t)arg;
  xQueueSendFromISR(s_presses, &pad, NULL);
}

static void recv_cb(const esp_now_recv_info_t* info, const uint8_t* data, int len) {
  (void)info;
  printf("heard '%.*s' at %lld ms, button %s\n", len, (const char*)data, (long long)(esp_timer_get_time() / 1000),
         gpio_get_level(BUTTON) ? "up" : "down");
}

static void press_task(void* arg) {
  (void)arg;
  uint32_t pad;
  for (;;) {
    if (xQueueReceive(s_presses, &pad, portMAX_DELAY) != pdTRUE) continue;
    char message[40];
    const int len = snprintf(message, sizeof message, "press %d from " MACSTR, ++s_count, MAC2STR(s_mac));
    printf("GPIO[%u] pressed: sending '%s'\n", (unsigned)pad, message);
    esp_now_send(s_broadcast, (const uint8_t*)message, (size_t)len);
  }
}

void app_main(void) {
  ESP_ERROR_CHECK(esp_read_mac(s_mac, ESP_MAC_WIFI_STA));
  wifi_init_config_t cfg = WIFI_INIT_CONFIG_DEFAULT();
  ESP_ERROR_CHECK(esp_wifi_init(&cfg));
  ESP_ERROR_CHECK(esp_wifi_set_mode(WIFI_MODE_STA));
  ESP_ERROR_CHECK(esp_wifi_start());
  ESP_ERROR_CHECK(esp_now_init());
  ESP_ERROR_CHECK(esp_now_register_recv_cb(recv_cb));
  esp_now_peer_info_t peer;
  memset(&peer, 0, sizeof peer);
  memcpy(peer.peer_addr, s_broadcast, ESP_NOW_ETH_ALEN);
  ESP_ERROR_CHECK(esp_now_add_peer(&peer));

  const gpio_config_t button = {.pin_bit_mask = 1ULL << BUTTON, .mode = GPIO_MODE_INPUT,
                                .pull_up_en = GPIO_PULLUP_ENABLE, .intr_type = GPIO_INTR_NEGEDGE};
  ESP_ERROR_CHECK(gpio_config(&button));
  s_presses = xQueueCreate(4, sizeof(uint32_t));
  xTaskCreate(press_task, "press", 3072, NULL, 10, NULL);
  ESP_ERROR_CHECK(gpio_install_isr_service(ESP_INTR_FLAG_DEFAULT));
  ESP_ERROR_CHECK(gpio_isr_handler_add(BUTTON, button_isr, (void*)(uintptr_t)BUTTON));
}
