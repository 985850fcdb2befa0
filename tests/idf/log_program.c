/* Logging and error checks as ESP-IDF C code writes them, built as C11:
 * ESP_LOGx with and without arguments, the buffer dumps,
 * ESP_ERROR_CHECK_WITHOUT_ABORT. */
#include "esp_err.h"
#include "esp_log.h"
#include "log_program.h"

static const char* TAG = "prog";

int log_program_run(int value) {
  ESP_LOGI(TAG, "starting");
  ESP_LOGW(TAG, "value %d", value);
  ESP_LOGD(TAG, "hidden at the default level");
  const unsigned char bytes[3] = {0xde, 0xad, 0x01};
  ESP_LOG_BUFFER_HEX(TAG, bytes, sizeof bytes);
  static const char text[] = "ESP32 is great, working along with the IDF.";
  ESP_LOG_BUFFER_HEXDUMP(TAG, text, sizeof text, ESP_LOG_WARN);
  ESP_LOG_BUFFER_HEXDUMP(TAG, text, sizeof text, ESP_LOG_DEBUG); /* above the file's level: compiled out */
  return ESP_ERROR_CHECK_WITHOUT_ABORT(value == 0 ? ESP_OK : ESP_ERR_INVALID_ARG);
}
