/* gpio_interrupt_program.c's firmware, run by gpio_interrupt_test.cpp on
 * chips of a Simulation (virtual time), and its checks. */
#pragma once

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What a firmware saw: its ISR's calls and its task's events. */
typedef struct {
  uint32_t isr_calls;    /* handler calls, any pad */
  uint32_t bad_args;     /* handler calls whose arg was not the pad's */
  uint32_t events;       /* pad numbers the task took from the ISR's queue */
  uint32_t last_tick;    /* xTaskGetTickCount() at the last event */
  int last_level;        /* gpio_get_level of the last event's pad, read by the task */
  uint32_t event_ticks[16];  /* the first 16 events' ticks */
} gpio_program_seen_t;

/* Forgets what was seen and deletes the last run's queue (its chip is gone). */
void gpio_program_reset(void);
gpio_program_seen_t gpio_program_seen(void);

/* A button on GPIO 0 (input, pull-up, falling edge) as ESP-IDF's
 * generic_gpio example has it: config, service, handler, queue, task. */
void gpio_button_app_main(void);
/* GPIO 4, any edge; the task disables its interrupt for ticks 2000..2999
 * and enables it again. */
void gpio_anyedge_app_main(void);
/* GPIO 5, high level (pull-down); the handler disables it and the task
 * enables it again 100 ms after each event. */
void gpio_level_app_main(void);
/* GPIO 2 as input and output, rising edge: the firmware's own output
 * raises it, 5 times 10 ms apart. */
void gpio_own_output_app_main(void);
/* GPIO 5, high level, with a handler that never disables it. */
void gpio_stuck_level_app_main(void);
/* ESP-IDF's errors, and the service's install, remove and uninstall: 0,
 * or the line that failed. Needs a selected chip. */
int gpio_program_errors(void);

#ifdef __cplusplus
}
#endif
