/* idioms_program.c's checks, each run on a selected chip by idioms_test.cpp. */
#pragma once

#ifdef __cplusplus
extern "C" {
#endif

int idioms_program_checks(void);
int idioms_program_static_allocation(void);
int idioms_program_suspend(void);
/* Needs a chip whose Wi-Fi is not initialised yet; leaves it started at 20 dBm. */
int idioms_program_tx_power_errors(void);
/* Needs a chip whose Wi-Fi is not initialised yet. */
int idioms_program_identity(void);
/* An LED on GPIO 2 and a button on GPIO 0, configured; ESP-IDF's errors. */
int idioms_program_gpio(void);
/* esp_rom_delay_us and ets_delay_us wait at least their time (esp_timer). */
int idioms_program_busy_wait(void);
/* esp_rom_printf, ets_printf, configASSERT; the GPIO wake-ups accepted and warned of once. */
int idioms_program_rom_print_assert_and_wake_ups(void);

#ifdef __cplusplus
}
#endif
