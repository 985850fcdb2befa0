/* adc_program.c's checks, each run on a selected chip by adc_test.cpp: 0,
 * or the line of adc_program.c that failed. */
#pragma once

#ifdef __cplusplus
extern "C" {
#endif

/* The pads, the claims and ESP-IDF's errors. */
int adc_program_errors(void);
/* A battery divider on GPIO 34 (ADC1 channel 6) at 12 dB, 12 bits: the raw
 * reading and the calibrated mV are what the harness put on the pad. */
int adc_program_battery(int expect_raw, int expect_mv);
/* The same pad at 0 dB (1650 mV is past its full scale: 4095) and at 9 bits. */
int adc_program_ranges(int expect_raw_0db, int expect_raw_9bit);
/* GPIO 4 (ADC2 channel 0): ESP_ERR_TIMEOUT while the Wi-Fi is started, its
 * reading once it is stopped. Needs a chip whose Wi-Fi is not initialised. */
int adc_program_adc2_and_wifi(int expect_raw);

#ifdef __cplusplus
}
#endif
