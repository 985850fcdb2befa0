/* ESP-IDF's ADC calibration (esp_adc/adc_cali.h). The emulated ADC is
 * ideal, so a calibrated reading is the voltage on the pad (to the
 * resolution of the raw result). */
#pragma once

#include <stdbool.h>

#include "esp_err.h"
#include "hal/adc_types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct adc_cali_scheme_t* adc_cali_handle_t;

typedef enum {
  ADC_CALI_SCHEME_VER_LINE_FITTING = 1 << 0,
  ADC_CALI_SCHEME_VER_CURVE_FITTING = 1 << 1,
} adc_cali_scheme_ver_t;

/* The schemes the chip supports: line fitting, on an ESP32. */
esp_err_t adc_cali_check_scheme(adc_cali_scheme_ver_t* scheme_mask);
/* Millivolts of a raw result; ESP_ERR_INVALID_ARG for null or a negative raw value. */
esp_err_t adc_cali_raw_to_voltage(adc_cali_handle_t handle, int raw, int* voltage);

#ifdef __cplusplus
}
#endif
