/* A battery-powered sensor node as ESP-IDF firmware is: the battery through
 * a 1:2 divider on GPIO 34 (ADC1 channel 6, 12 dB), read once a second with
 * the calibration, and broadcast over ESP-NOW; every chip prints what it
 * hears. Run as chips of a simulation whose battery --gpio sets:
 *   battery_sensor_c --sim 2 --gpio 1:34=1850mV@0 --gpio 1:34=1600mV@2.5 */
#include <stdio.h>
#include <string.h>

#include "esp_adc/adc_cali.h"
#include "esp_adc/adc_cali_scheme.h"
#include "esp_adc/adc_oneshot.h"
#include "esp_now.h"
#include "esp_wifi.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"

static const uint8_t s_broadcast[ESP_NOW_ETH_ALEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static adc_oneshot_unit_handle_t s_adc;
static adc_cali_handle_t s_cali;

static void recv_cb(const esp_now_recv_info_t* info, const uint8_t* data, int len) {
  printf("heard '%.*s' from %02x\n", len, (const char*)data, info->src_addr[5]);
}

static void sensor_task(void* arg) {
  (void)arg;
  for (int i = 0; i < 4; ++i) {
    int mv = 0;
    ESP_ERROR_CHECK(adc_oneshot_get_calibrated_result(s_adc, s_cali, ADC_CHANNEL_6, &mv));
    char message[32];
    const int len = snprintf(message, sizeof message, "battery %d mV", 2 * mv);
    ESP_ERROR_CHECK(esp_now_send(s_broadcast, (const uint8_t*)message, (size_t)len));
    vTaskDelay(pdMS_TO_TICKS(1000));
  }
  vTaskDelete(NULL);
}

void app_main(void) {
  const adc_oneshot_unit_init_cfg_t unit = {.unit_id = ADC_UNIT_1};
  ESP_ERROR_CHECK(adc_oneshot_new_unit(&unit, &s_adc));
  const adc_oneshot_chan_cfg_t channel = {.atten = ADC_ATTEN_DB_12, .bitwidth = ADC_BITWIDTH_DEFAULT};
  ESP_ERROR_CHECK(adc_oneshot_config_channel(s_adc, ADC_CHANNEL_6, &channel));
  const adc_cali_line_fitting_config_t cali = {.unit_id = ADC_UNIT_1, .atten = ADC_ATTEN_DB_12,
                                               .bitwidth = ADC_BITWIDTH_DEFAULT, .default_vref = 1100};
  ESP_ERROR_CHECK(adc_cali_create_scheme_line_fitting(&cali, &s_cali));

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
  xTaskCreate(sensor_task, "sensor", 3072, NULL, 5, NULL);
}
