/* A file that compiles its debug lines in, as ESP-IDF code does for one file:
 * LOG_LOCAL_LEVEL defined before esp_log.h. They print only once the tag's
 * level (esp_log_level_set) lets them. */
#define LOG_LOCAL_LEVEL ESP_LOG_DEBUG
#include "esp_log.h"
#include "log_program.h"

void log_local_level_program_run(void) {
  ESP_LOGD("local", "compiled in");
  ESP_LOGV("local", "compiled out");
}
