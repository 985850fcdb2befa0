/* ESP-IDF's ADC types (hal/adc_types.h), as an ESP32 has them: two units,
 * ADC1 with 8 channels and ADC2 with 10, 9- to 12-bit results. */
#pragma once

typedef enum {
  ADC_UNIT_1,
  ADC_UNIT_2,
} adc_unit_t;

typedef enum {
  ADC_CHANNEL_0,
  ADC_CHANNEL_1,
  ADC_CHANNEL_2,
  ADC_CHANNEL_3,
  ADC_CHANNEL_4,
  ADC_CHANNEL_5,
  ADC_CHANNEL_6,
  ADC_CHANNEL_7,
  ADC_CHANNEL_8,
  ADC_CHANNEL_9,
} adc_channel_t;

typedef enum {
  ADC_ATTEN_DB_0 = 0,   /* full scale about 1.1 V */
  ADC_ATTEN_DB_2_5 = 1, /* about 1.5 V */
  ADC_ATTEN_DB_6 = 2,   /* about 2.2 V */
  ADC_ATTEN_DB_12 = 3,  /* about 3.9 V (the pad's 3.3 V supply limits it) */
  ADC_ATTEN_DB_11 = ADC_ATTEN_DB_12, /* its name before ESP-IDF 5.2 */
} adc_atten_t;

typedef enum {
  ADC_BITWIDTH_DEFAULT = 0, /* the widest: 12 bits on an ESP32 */
  ADC_BITWIDTH_9 = 9,
  ADC_BITWIDTH_10 = 10,
  ADC_BITWIDTH_11 = 11,
  ADC_BITWIDTH_12 = 12,
  ADC_BITWIDTH_13 = 13,
} adc_bitwidth_t;

typedef enum {
  ADC_ULP_MODE_DISABLE = 0,
  ADC_ULP_MODE_FSM = 1,
  ADC_ULP_MODE_RISCV = 2,
} adc_ulp_mode_t;

typedef int adc_oneshot_clk_src_t; /* 0: the default clock; any value runs the same here */
