/* freertos_program.c: a C FreeRTOS program run by freertos_test.cpp. */
#ifndef FREERTOS_PROGRAM_H
#define FREERTOS_PROGRAM_H
#ifdef __cplusplus
extern "C" {
#endif
int freertos_program_run(void);
#ifdef __cplusplus
}
#endif
#endif
