/* Firmware whose sdkconfig says CONFIG_LOG_DEFAULT_LEVEL 4 (debug), given
 * as a compile definition by tests/CMakeLists.txt: its ESP_LOGD lines
 * print with no esp_log_level_set, as on a chip built that way. */
#include "esp_log.h"

void app_main(void) {
  ESP_LOGD("dbg", "debug at level %d", CONFIG_LOG_DEFAULT_LEVEL);
  ESP_LOGV("dbg", "verbose stays out");
}
