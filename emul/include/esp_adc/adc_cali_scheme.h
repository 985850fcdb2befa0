/* ESP-IDF's ADC calibration schemes (esp_adc/adc_cali_scheme.h): an ESP32
 * has line fitting. */
#pragma once

#include <stdint.h>

#include "esp_adc/adc_cali.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ADC_CALI_SCHEME_LINE_FITTING_SUPPORTED 1

typedef enum {
  ADC_CALI_LINE_FITTING_EFUSE_VAL_EFUSE_VREF = 0,
  ADC_CALI_LINE_FITTING_EFUSE_VAL_EFUSE_TP = 1,
  ADC_CALI_LINE_FITTING_EFUSE_VAL_DEFAULT_VREF = 2,
} adc_cali_line_fitting_efuse_val_t;

typedef struct {
  adc_unit_t unit_id;
  adc_atten_t atten;
  adc_bitwidth_t bitwidth;
  uint32_t default_vref; /* mV, used when the eFuse has no calibration */
} adc_cali_line_fitting_config_t;

/* ESP_ERR_INVALID_ARG for null, a unit, attenuation or width the chip does not have. */
esp_err_t adc_cali_create_scheme_line_fitting(const adc_cali_line_fitting_config_t* config, adc_cali_handle_t* ret_handle);
esp_err_t adc_cali_delete_scheme_line_fitting(adc_cali_handle_t handle);
/* What the chip's eFuse holds for it: its Vref (as on most ESP32 modules). */
esp_err_t adc_cali_scheme_line_fitting_check_efuse(adc_cali_line_fitting_efuse_val_t* cali_val);

#ifdef __cplusplus
}
#endif
