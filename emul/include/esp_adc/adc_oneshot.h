/* ESP-IDF's ADC oneshot driver (esp_adc/adc_oneshot.h) on an emulated
 * ESP32: two units, each claimed by one handle at a time. A reading is the
 * voltage on the channel's pad (EmulatedChip::set_analog_input, --sim's
 * --gpio CHIP:PAD=MVmV@S; else the pad's digital level, 0 or 3300 mV) through
 * an ideal converter: raw = mV * (2^bits - 1) / full scale, clamped, with
 * full scale 1100, 1500, 2200 or 3900 mV for 0, 2.5, 6 and 12 dB. As on an
 * ESP32, ADC2 belongs to the Wi-Fi while it is started: a read of it then
 * gives ESP_ERR_TIMEOUT. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "esp_adc/adc_cali.h"
#include "esp_adc/adc_cali_scheme.h"
#include "esp_err.h"
#include "hal/adc_types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct adc_oneshot_unit_ctx_t* adc_oneshot_unit_handle_t;

typedef struct {
  adc_unit_t unit_id;
  adc_oneshot_clk_src_t clk_src;
  adc_ulp_mode_t ulp_mode;
} adc_oneshot_unit_init_cfg_t;

typedef struct {
  adc_atten_t atten;
  adc_bitwidth_t bitwidth;
} adc_oneshot_chan_cfg_t;

/* ESP_ERR_INVALID_ARG for null or a unit the chip does not have (or ULP
 * mode, which the emulation has not); ESP_ERR_NOT_FOUND when the unit is
 * claimed already. */
esp_err_t adc_oneshot_new_unit(const adc_oneshot_unit_init_cfg_t* init_config, adc_oneshot_unit_handle_t* ret_unit);
/* ESP_ERR_INVALID_ARG for null, a channel the unit has not (ADC1: 0..7,
 * ADC2: 0..9), an attenuation or a width (9..12, or DEFAULT) the chip has not. */
esp_err_t adc_oneshot_config_channel(adc_oneshot_unit_handle_t handle, adc_channel_t channel, const adc_oneshot_chan_cfg_t* config);
/* ESP_ERR_INVALID_ARG for null or a channel the unit has not;
 * ESP_ERR_TIMEOUT on ADC2 while the Wi-Fi is started. */
esp_err_t adc_oneshot_read(adc_oneshot_unit_handle_t handle, adc_channel_t chan, int* out_raw);
esp_err_t adc_oneshot_del_unit(adc_oneshot_unit_handle_t handle);
/* An ESP32's ADC pads: ADC1 channels 0..7 on GPIO 36, 37, 38, 39, 32, 33,
 * 34, 35; ADC2 channels 0..9 on GPIO 4, 0, 2, 15, 13, 12, 14, 27, 25, 26.
 * ESP_ERR_INVALID_ARG for a pad or channel that is none of them. */
esp_err_t adc_oneshot_io_to_channel(int io_num, adc_unit_t* const unit_id, adc_channel_t* const channel);
esp_err_t adc_oneshot_channel_to_io(adc_unit_t unit_id, adc_channel_t channel, int* const io_num);
/* A read, then the calibration's millivolts. */
esp_err_t adc_oneshot_get_calibrated_result(adc_oneshot_unit_handle_t handle, adc_cali_handle_t cali_handle,
                                            adc_channel_t chan, int* cali_result);

#ifdef __cplusplus
}
#endif
