/* ESP-IDF's GPIO driver (driver/gpio.h) for an ESP32's pads, on the host:
 * each chip has its own 40 pads with a direction, pulls and an output
 * level, so firmware that drives an LED or reads a button runs unchanged.
 * Nothing is wired to them: a harness reads a pad's level and drives an
 * input pad from C++ (EmulatedChip::gpio_level, set_gpio_input). The valid
 * pads are an ESP32's (0..39 but 24 and 28..31), 34..39 input only and
 * without pulls; the errors are ESP-IDF's.
 * Interrupts through the ISR service (gpio_install_isr_service,
 * gpio_isr_handler_add): a change of a pad's input (0 while its input is
 * off) that its type matches, while its interrupt is enabled, runs its
 * handler on the chip's ISR task, at once on virtual time. Not here:
 * gpio_isr_register (one handler reading the status registers), RTC GPIO,
 * wake-up from GPIO, drive strength, hold. */
#pragma once

#include <stdint.h>

#include "esp_err.h"
#include "esp_intr_alloc.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  GPIO_NUM_NC = -1,
  GPIO_NUM_0 = 0, GPIO_NUM_1, GPIO_NUM_2, GPIO_NUM_3, GPIO_NUM_4, GPIO_NUM_5, GPIO_NUM_6, GPIO_NUM_7,
  GPIO_NUM_8, GPIO_NUM_9, GPIO_NUM_10, GPIO_NUM_11, GPIO_NUM_12, GPIO_NUM_13, GPIO_NUM_14, GPIO_NUM_15,
  GPIO_NUM_16, GPIO_NUM_17, GPIO_NUM_18, GPIO_NUM_19, GPIO_NUM_20, GPIO_NUM_21, GPIO_NUM_22, GPIO_NUM_23,
  GPIO_NUM_25 = 25, GPIO_NUM_26, GPIO_NUM_27, GPIO_NUM_28, GPIO_NUM_29, GPIO_NUM_30, GPIO_NUM_31,
  GPIO_NUM_32, GPIO_NUM_33, GPIO_NUM_34, GPIO_NUM_35, GPIO_NUM_36, GPIO_NUM_37, GPIO_NUM_38, GPIO_NUM_39,
  GPIO_NUM_MAX,
} gpio_num_t;

typedef enum {
  GPIO_MODE_DISABLE = 0,
  GPIO_MODE_INPUT = 1,
  GPIO_MODE_OUTPUT = 2,
  GPIO_MODE_OUTPUT_OD = 6,
  GPIO_MODE_INPUT_OUTPUT_OD = 7,
  GPIO_MODE_INPUT_OUTPUT = 3,
} gpio_mode_t;

typedef enum { GPIO_PULLUP_DISABLE = 0, GPIO_PULLUP_ENABLE = 1 } gpio_pullup_t;
typedef enum { GPIO_PULLDOWN_DISABLE = 0, GPIO_PULLDOWN_ENABLE = 1 } gpio_pulldown_t;
typedef enum { GPIO_PULLUP_ONLY, GPIO_PULLDOWN_ONLY, GPIO_PULLUP_PULLDOWN, GPIO_FLOATING } gpio_pull_mode_t;
typedef enum {
  GPIO_INTR_DISABLE = 0,
  GPIO_INTR_POSEDGE,
  GPIO_INTR_NEGEDGE,
  GPIO_INTR_ANYEDGE,
  GPIO_INTR_LOW_LEVEL,
  GPIO_INTR_HIGH_LEVEL,
  GPIO_INTR_MAX,
} gpio_int_type_t;

typedef struct {
  uint64_t pin_bit_mask;
  gpio_mode_t mode;
  gpio_pullup_t pull_up_en;
  gpio_pulldown_t pull_down_en;
  gpio_int_type_t intr_type; /* not GPIO_INTR_DISABLE: the pads' interrupts enabled */
} gpio_config_t;

typedef void (*gpio_isr_t)(void* arg);

#define GPIO_IS_VALID_GPIO(n) ((n) >= 0 && (n) < GPIO_NUM_MAX && (n) != 24 && ((n) < 28 || (n) > 31))
#define GPIO_IS_VALID_OUTPUT_GPIO(n) (GPIO_IS_VALID_GPIO(n) && (n) < 34)

/* ESP_ERR_INVALID_ARG for an empty mask, a pad that is not valid, or an
 * output mode on an input-only pad. */
esp_err_t gpio_config(const gpio_config_t* pGPIOConfig);
/* Back to its reset state: GPIO function, pull-up on, input and output off. */
esp_err_t gpio_reset_pin(gpio_num_t gpio_num);
esp_err_t gpio_set_direction(gpio_num_t gpio_num, gpio_mode_t mode);
/* ESP_ERR_INVALID_ARG for a pad that cannot drive (not valid, or 34..39). */
esp_err_t gpio_set_level(gpio_num_t gpio_num, uint32_t level);
/* The pad's input: 0 when its input is off, as ESP-IDF says. */
int gpio_get_level(gpio_num_t gpio_num);
esp_err_t gpio_set_pull_mode(gpio_num_t gpio_num, gpio_pull_mode_t pull);
esp_err_t gpio_pullup_en(gpio_num_t gpio_num);
esp_err_t gpio_pullup_dis(gpio_num_t gpio_num);
esp_err_t gpio_pulldown_en(gpio_num_t gpio_num);
esp_err_t gpio_pulldown_dis(gpio_num_t gpio_num);
/* The trigger; enabling is gpio_intr_enable's (or gpio_isr_handler_add's). */
esp_err_t gpio_set_intr_type(gpio_num_t gpio_num, gpio_int_type_t intr_type);
/* ESP_ERR_INVALID_ARG for a pad that is not valid. Disabling forgets a
 * raised interrupt not yet served. */
esp_err_t gpio_intr_enable(gpio_num_t gpio_num);
esp_err_t gpio_intr_disable(gpio_num_t gpio_num);
/* ESP_ERR_INVALID_STATE (and an error logged) when installed already;
 * ESP_ERR_INVALID_ARG for flags ESP-IDF refuses for a C handler
 * (ESP_INTR_FLAG_HIGH levels, ESP_INTR_FLAG_SHARED with ESP_INTR_FLAG_EDGE).
 * Interrupts raised before it are served once it runs. */
esp_err_t gpio_install_isr_service(int intr_alloc_flags);
/* Removes every handler and ends the ISR task; not from a handler. */
void gpio_uninstall_isr_service(void);
/* Sets the pad's handler and enables its interrupt. ESP_ERR_INVALID_STATE
 * without the service, ESP_ERR_INVALID_ARG for a pad that is not valid. */
esp_err_t gpio_isr_handler_add(gpio_num_t gpio_num, gpio_isr_t isr_handler, void* args);
/* Disables the pad's interrupt and removes its handler; the same errors. */
esp_err_t gpio_isr_handler_remove(gpio_num_t gpio_num);

/* Holding a pad's level through sleep (gpio_hold_en, gpio_deep_sleep_hold_en):
 * an emulated pad keeps what drives it anyway, so these only say ESP_OK (an
 * invalid pad: ESP_ERR_INVALID_ARG). A pad as a light-sleep wake-up source
 * (gpio_wakeup_enable) is accepted and does not wake the chip (esp_sleep.h). */
esp_err_t gpio_hold_en(gpio_num_t gpio_num);
esp_err_t gpio_hold_dis(gpio_num_t gpio_num);
void gpio_deep_sleep_hold_en(void);
void gpio_deep_sleep_hold_dis(void);
esp_err_t gpio_wakeup_enable(gpio_num_t gpio_num, gpio_int_type_t intr_type);
esp_err_t gpio_wakeup_disable(gpio_num_t gpio_num);

#ifdef __cplusplus
}
#endif
