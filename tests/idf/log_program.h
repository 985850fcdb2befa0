/* log_program.c: logging from C, run by esp_log_test.cpp. */
#ifndef LOG_PROGRAM_H
#define LOG_PROGRAM_H
#ifdef __cplusplus
extern "C" {
#endif
int log_program_run(int value);
/* log_local_level_program.c: an ESP_LOGD compiled in (LOG_LOCAL_LEVEL DEBUG), an ESP_LOGV not. */
void log_local_level_program_run(void);
#ifdef __cplusplus
}
#endif
#endif
