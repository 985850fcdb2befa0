/* log_program.c: logging from C, run by esp_log_test.cpp. */
#ifndef LOG_PROGRAM_H
#define LOG_PROGRAM_H
#ifdef __cplusplus
extern "C" {
#endif
int log_program_run(int value);
#ifdef __cplusplus
}
#endif
#endif
