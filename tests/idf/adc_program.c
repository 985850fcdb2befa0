/* Reading a sensor or a battery with ESP-IDF's ADC oneshot driver (C11),
 * as sensor-node firmware does before it sends over ESP-NOW. */
#include "adc_program.h"

#include <stddef.h>

#include "esp_adc/adc_cali.h"
#include "esp_adc/adc_cali_scheme.h"
#include "esp_adc/adc_oneshot.h"
#include "esp_wifi.h"

#define CHECK(cond) \
  do {              \
    if (!(cond)) return __LINE__; \
  } while (0)

int adc_program_errors(void) {
  adc_unit_t unit;
  adc_channel_t channel;
  int io = -1;
  CHECK(adc_oneshot_io_to_channel(34, &unit, &channel) == ESP_OK && unit == ADC_UNIT_1 && channel == ADC_CHANNEL_6);
  CHECK(adc_oneshot_io_to_channel(0, &unit, &channel) == ESP_OK && unit == ADC_UNIT_2 && channel == ADC_CHANNEL_1);
  CHECK(adc_oneshot_io_to_channel(5, &unit, &channel) == ESP_ERR_INVALID_ARG);
  CHECK(adc_oneshot_channel_to_io(ADC_UNIT_2, ADC_CHANNEL_9, &io) == ESP_OK && io == 26);
  CHECK(adc_oneshot_channel_to_io(ADC_UNIT_1, ADC_CHANNEL_8, &io) == ESP_ERR_INVALID_ARG);

  adc_oneshot_unit_handle_t a = NULL, b = NULL;
  const adc_oneshot_unit_init_cfg_t adc1 = {.unit_id = ADC_UNIT_1};
  const adc_oneshot_unit_init_cfg_t ulp = {.unit_id = ADC_UNIT_1, .ulp_mode = ADC_ULP_MODE_FSM};
  const adc_oneshot_unit_init_cfg_t adc3 = {.unit_id = (adc_unit_t)2};
  CHECK(adc_oneshot_new_unit(NULL, &a) == ESP_ERR_INVALID_ARG && adc_oneshot_new_unit(&adc3, &a) == ESP_ERR_INVALID_ARG);
  CHECK(adc_oneshot_new_unit(&ulp, &a) == ESP_ERR_INVALID_ARG);
  CHECK(adc_oneshot_new_unit(&adc1, &a) == ESP_OK);
  CHECK(adc_oneshot_new_unit(&adc1, &b) == ESP_ERR_NOT_FOUND); /* claimed already */

  const adc_oneshot_chan_cfg_t ok = {.atten = ADC_ATTEN_DB_12, .bitwidth = ADC_BITWIDTH_DEFAULT};
  const adc_oneshot_chan_cfg_t wide = {.atten = ADC_ATTEN_DB_12, .bitwidth = ADC_BITWIDTH_13};
  const adc_oneshot_chan_cfg_t atten = {.atten = (adc_atten_t)4, .bitwidth = ADC_BITWIDTH_12};
  CHECK(adc_oneshot_config_channel(a, ADC_CHANNEL_8, &ok) == ESP_ERR_INVALID_ARG); /* ADC1 has 0..7 */
  CHECK(adc_oneshot_config_channel(a, ADC_CHANNEL_0, &wide) == ESP_ERR_INVALID_ARG);
  CHECK(adc_oneshot_config_channel(a, ADC_CHANNEL_0, &atten) == ESP_ERR_INVALID_ARG);
  CHECK(adc_oneshot_config_channel(a, ADC_CHANNEL_0, NULL) == ESP_ERR_INVALID_ARG);
  int raw = -1;
  CHECK(adc_oneshot_read(a, ADC_CHANNEL_8, &raw) == ESP_ERR_INVALID_ARG && adc_oneshot_read(a, ADC_CHANNEL_0, NULL) == ESP_ERR_INVALID_ARG);
  CHECK(adc_oneshot_config_channel(a, ADC_CHANNEL_0, &ok) == ESP_OK);
  CHECK(adc_oneshot_read(a, ADC_CHANNEL_0, &raw) == ESP_OK && raw == 0); /* GPIO 36, nothing on it */
  CHECK(adc_oneshot_del_unit(a) == ESP_OK && adc_oneshot_del_unit(NULL) == ESP_ERR_INVALID_ARG);
  CHECK(adc_oneshot_new_unit(&adc1, &b) == ESP_OK && adc_oneshot_del_unit(b) == ESP_OK); /* free again */

  adc_cali_scheme_ver_t schemes;
  adc_cali_line_fitting_efuse_val_t efuse;
  adc_cali_handle_t cali = NULL;
  const adc_cali_line_fitting_config_t bad = {.unit_id = ADC_UNIT_1, .atten = (adc_atten_t)7};
  CHECK(adc_cali_check_scheme(&schemes) == ESP_OK && schemes == ADC_CALI_SCHEME_VER_LINE_FITTING);
  CHECK(adc_cali_scheme_line_fitting_check_efuse(&efuse) == ESP_OK);
  CHECK(adc_cali_create_scheme_line_fitting(&bad, &cali) == ESP_ERR_INVALID_ARG);
  CHECK(adc_cali_raw_to_voltage(NULL, 1, &raw) == ESP_ERR_INVALID_ARG);
  return 0;
}

/* GPIO 34 at `atten` and `bitwidth`: its raw reading, or -1. */
static int read_34(adc_atten_t atten, adc_bitwidth_t bitwidth, int* mv) {
  adc_oneshot_unit_handle_t adc = NULL;
  const adc_oneshot_unit_init_cfg_t unit = {.unit_id = ADC_UNIT_1, .ulp_mode = ADC_ULP_MODE_DISABLE};
  const adc_oneshot_chan_cfg_t config = {.atten = atten, .bitwidth = bitwidth};
  adc_cali_handle_t cali = NULL;
  const adc_cali_line_fitting_config_t cali_config = {.unit_id = ADC_UNIT_1, .atten = atten, .bitwidth = bitwidth,
                                                      .default_vref = 1100};
  int raw = -1;
  if (adc_oneshot_new_unit(&unit, &adc) != ESP_OK) return -1;
  if (adc_oneshot_config_channel(adc, ADC_CHANNEL_6, &config) == ESP_OK &&
      adc_cali_create_scheme_line_fitting(&cali_config, &cali) == ESP_OK) {
    if (adc_oneshot_read(adc, ADC_CHANNEL_6, &raw) != ESP_OK ||
        adc_oneshot_get_calibrated_result(adc, cali, ADC_CHANNEL_6, mv) != ESP_OK)
      raw = -1;
    adc_cali_delete_scheme_line_fitting(cali);
  }
  adc_oneshot_del_unit(adc);
  return raw;
}

int adc_program_battery(int expect_raw, int expect_mv) {
  int mv = -1;
  CHECK(read_34(ADC_ATTEN_DB_12, ADC_BITWIDTH_DEFAULT, &mv) == expect_raw);
  CHECK(mv == expect_mv);
  return 0;
}

int adc_program_ranges(int expect_raw_0db, int expect_raw_9bit) {
  int mv = -1;
  CHECK(read_34(ADC_ATTEN_DB_0, ADC_BITWIDTH_12, &mv) == expect_raw_0db);
  CHECK(read_34(ADC_ATTEN_DB_11, ADC_BITWIDTH_9, &mv) == expect_raw_9bit);
  return 0;
}

int adc_program_adc2_and_wifi(int expect_raw) {
  adc_oneshot_unit_handle_t adc2 = NULL;
  const adc_oneshot_unit_init_cfg_t unit = {.unit_id = ADC_UNIT_2};
  const adc_oneshot_chan_cfg_t config = {.atten = ADC_ATTEN_DB_12, .bitwidth = ADC_BITWIDTH_12};
  int raw = -1;
  CHECK(adc_oneshot_new_unit(&unit, &adc2) == ESP_OK && adc_oneshot_config_channel(adc2, ADC_CHANNEL_0, &config) == ESP_OK);
  CHECK(adc_oneshot_read(adc2, ADC_CHANNEL_0, &raw) == ESP_OK && raw == expect_raw); /* Wi-Fi not started */
  const wifi_init_config_t cfg = WIFI_INIT_CONFIG_DEFAULT();
  CHECK(esp_wifi_init(&cfg) == ESP_OK && esp_wifi_set_mode(WIFI_MODE_STA) == ESP_OK && esp_wifi_start() == ESP_OK);
  CHECK(adc_oneshot_read(adc2, ADC_CHANNEL_0, &raw) == ESP_ERR_TIMEOUT); /* the Wi-Fi holds ADC2 */
  CHECK(esp_wifi_stop() == ESP_OK);
  raw = -1;
  CHECK(adc_oneshot_read(adc2, ADC_CHANNEL_0, &raw) == ESP_OK && raw == expect_raw);
  CHECK(esp_wifi_deinit() == ESP_OK && adc_oneshot_del_unit(adc2) == ESP_OK);
  return 0;
}
