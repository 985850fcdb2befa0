/* timer_system_program.c: esp_timer and esp_system used from C11, as ESP-NOW
 * firmware uses them; run by timer_system_test.cpp. Each function returns 0,
 * or the line of the first check that failed. */
#ifndef TIMER_SYSTEM_PROGRAM_H
#define TIMER_SYSTEM_PROGRAM_H
#ifdef __cplusplus
extern "C" {
#endif
/* Every esp_timer call's errors, one-shot and periodic timers firing on the
 * selected chip's esp_timer task, waited for with a deadline. */
int timer_program_errors_and_firing(void);
/* A callback that stops and deletes its own periodic timer. */
int timer_program_callback_deletes_itself(void);
/* The shutdown handler slots and their errors, the heap figures, the reset reason `expected`. */
int system_program_handlers_heap_reason(int expected);
/* Registers a shutdown handler counting into *ran, then calls esp_restart (never returns). */
void system_program_restart(void* ran);
#ifdef __cplusplus
}
#endif
#endif
