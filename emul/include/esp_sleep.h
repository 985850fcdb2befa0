/* ESP-IDF's esp_sleep.h on the host (ESP-IDF v5.5,
 * https://docs.espressif.com/projects/esp-idf/en/v5.5/esp32/api-reference/system/sleep_modes.html),
 * acting on the selected chip: the timer wake-up that ESP-NOW sleepers use.
 * Time is the host's steady clock, as everywhere in the emulation: a sleep of
 * 10 s takes 10 s.
 * - Light sleep: the chip's radio is off for the whole sleep (frames sent to
 *   it are neither received nor acknowledged), its Wi-Fi task runs no
 *   callback and its esp_timer task fires nothing until it wakes (timers due
 *   meanwhile fire after, as on a chip); then the radio is as it was.
 *   Difference: the chip's other FreeRTOS tasks keep running on their host
 *   threads, where a chip would stop them all.
 * - Deep sleep: the chip is off for the period, then boots again from
 *   app_main with esp_reset_reason() == ESP_RST_DEEPSLEEP and
 *   esp_sleep_get_wakeup_cause() == ESP_SLEEP_WAKEUP_TIMER. The process's
 *   default chip executes the program again (as esp_restart does; its MAC,
 *   NVS and RTC_DATA_ATTR variables survive, esp_attr.h), sleeping the
 *   period before main(); a chip made by a program calls its
 *   ChipOptions::on_deep_sleep (espnow_emul.hpp).
 * - Without a wake-up source a chip sleeps until its power is cut: light
 *   sleep never returns, deep sleep never boots again.
 * - Only the timer wakes a chip: there is no GPIO, touch, ULP or UART. The
 *   ext0, ext1 and GPIO wake-up calls are accepted (ESP_OK, so firmware with
 *   a wake button builds and runs its timer path) and say once, as a
 *   warning, that they will not wake it. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "driver/gpio.h"
#include "esp_err.h"
#include "espnow_emul_sdkconfig.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef void (*esp_deep_sleep_cb_t)(void);

/* An ESP32's power domains (its soc_caps.h's SOC_PM_SUPPORT_*_PD). */
typedef enum {
  ESP_PD_DOMAIN_RTC_PERIPH,
  ESP_PD_DOMAIN_RTC_SLOW_MEM,
  ESP_PD_DOMAIN_RTC_FAST_MEM,
  ESP_PD_DOMAIN_XTAL,
  ESP_PD_DOMAIN_RC_FAST,
  ESP_PD_DOMAIN_VDDSDIO,
  ESP_PD_DOMAIN_MODEM, /* Wi-Fi and Bluetooth */
  ESP_PD_DOMAIN_MAX
} esp_sleep_pd_domain_t;

typedef enum {
  ESP_PD_OPTION_OFF,
  ESP_PD_OPTION_ON,
  ESP_PD_OPTION_AUTO
} esp_sleep_pd_option_t;

typedef enum {
  ESP_SLEEP_WAKEUP_UNDEFINED, /* not a wake-up from sleep (e.g. power-on, esp_restart) */
  ESP_SLEEP_WAKEUP_ALL,       /* not a cause: esp_sleep_disable_wakeup_source's "every source" */
  ESP_SLEEP_WAKEUP_EXT0,
  ESP_SLEEP_WAKEUP_EXT1,
  ESP_SLEEP_WAKEUP_TIMER,
  ESP_SLEEP_WAKEUP_TOUCHPAD,
  ESP_SLEEP_WAKEUP_ULP,
  ESP_SLEEP_WAKEUP_GPIO,
  ESP_SLEEP_WAKEUP_UART,
  ESP_SLEEP_WAKEUP_UART1,
  ESP_SLEEP_WAKEUP_UART2,
  ESP_SLEEP_WAKEUP_WIFI,
  ESP_SLEEP_WAKEUP_COCPU,
  ESP_SLEEP_WAKEUP_COCPU_TRAP_TRIG,
  ESP_SLEEP_WAKEUP_BT,
} esp_sleep_source_t;

typedef esp_sleep_source_t esp_sleep_wakeup_cause_t;

typedef enum {
  ESP_SLEEP_MODE_LIGHT_SLEEP,
  ESP_SLEEP_MODE_DEEP_SLEEP
} esp_sleep_mode_t;

enum {
  ESP_ERR_SLEEP_REJECT = ESP_ERR_INVALID_STATE,
  ESP_ERR_SLEEP_TOO_SHORT_SLEEP_DURATION = ESP_ERR_INVALID_ARG,
};

/* ESP_ERR_INVALID_ARG above an ESP32's RTC timer range (2^48 - 1 ticks of
 * its 150 kHz slow clock: 1876499844000000 us, about 59 years). */
esp_err_t esp_sleep_enable_timer_wakeup(uint64_t time_in_us);
/* ESP_SLEEP_WAKEUP_ALL disables every source; ESP_ERR_INVALID_STATE when the
 * source is not enabled (or is one the emulation has not). */
esp_err_t esp_sleep_disable_wakeup_source(esp_sleep_source_t source);

/* Accepted, not emulated (above): a warning once per program, ESP_OK. */
typedef enum {
  ESP_EXT1_WAKEUP_ALL_LOW = 0,
  ESP_EXT1_WAKEUP_ANY_LOW = 0,
  ESP_EXT1_WAKEUP_ANY_HIGH = 1,
} esp_sleep_ext1_wakeup_mode_t;
esp_err_t esp_sleep_enable_ext0_wakeup(gpio_num_t gpio_num, int level);
esp_err_t esp_sleep_enable_ext1_wakeup(uint64_t io_mask, esp_sleep_ext1_wakeup_mode_t level_mode);
esp_err_t esp_sleep_enable_gpio_wakeup(void);
/* Recorded, no effect on the host; ESP_ERR_INVALID_ARG for a domain or option out of range. */
esp_err_t esp_sleep_pd_config(esp_sleep_pd_domain_t domain, esp_sleep_pd_option_t option);

/* ESP_OK after the timer woke the chip;
 * ESP_ERR_SLEEP_TOO_SHORT_SLEEP_DURATION, at once, for a timer of 550 us or
 * less: an ESP32's wake-up costs 536 us (60 us of hardware, 476 us of
 * software, sleep_modes.c's defaults) and it sleeps at least 2 slow-clock
 * cycles; a chip also counts measured overheads, so it refuses a little
 * more. Never ESP_ERR_SLEEP_REJECT: no wake-up source fires early here. */
esp_err_t esp_light_sleep_start(void);

/* Never return: the chip sleeps, then boots (see above). */
void esp_deep_sleep_start(void) __attribute__((noreturn));
void esp_deep_sleep(uint64_t time_in_us) __attribute__((noreturn));
/* As the two above: no sleep is ever rejected on the host, so they never return either. */
esp_err_t esp_deep_sleep_try_to_start(void);
esp_err_t esp_deep_sleep_try(uint64_t time_in_us);

/* Called in slot order as the chip goes into deep sleep; 3 slots
 * (ESP_ERR_NO_MEM for a 4th), registering one twice keeps one. */
esp_err_t esp_deep_sleep_register_hook(esp_deep_sleep_cb_t new_dslp_cb);
void esp_deep_sleep_deregister_hook(esp_deep_sleep_cb_t old_dslp_cb);

/* The cause of the last wake-up: ESP_SLEEP_WAKEUP_TIMER in a chip booted
 * from deep sleep, and after a light sleep that returned ESP_OK (until one
 * that did not); ESP_SLEEP_WAKEUP_UNDEFINED otherwise. */
esp_sleep_wakeup_cause_t esp_sleep_get_wakeup_cause(void);

#ifdef __cplusplus
}
#endif
