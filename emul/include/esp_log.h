/* ESP-IDF's logging (esp_log.h) on the host. Names, levels and the line
 * format ("I (1234) tag: message") follow ESP-IDF v5.5's log library, see
 * https://docs.espressif.com/projects/esp-idf/en/v5.5/esp32/api-reference/system/log.html.
 * Each line goes to stdout whole (one write under a lock), or to the function
 * esp_log_set_vprintf names, stamped with the milliseconds since the program
 * started (on a Simulation's clock: since the simulation started), as the
 * chip stamps since boot.
 * Levels are set per tag at run time; the program's CONFIG_LOG_DEFAULT_LEVEL
 * (its sdkconfig.h, default INFO) is where they start, and LOG_LOCAL_LEVEL
 * (default CONFIG_LOG_MAXIMUM_LEVEL) is what a file compiles in. No colours. */
#pragma once

#include <stdarg.h>
#include <stdint.h>

#include "esp_err.h"
#include "espnow_emul_sdkconfig.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  ESP_LOG_NONE = 0,
  ESP_LOG_ERROR,
  ESP_LOG_WARN,
  ESP_LOG_INFO,
  ESP_LOG_DEBUG,
  ESP_LOG_VERBOSE,
  ESP_LOG_MAX,
} esp_log_level_t;

/* tag "*": every tag without a level of its own. */
void esp_log_level_set(const char* tag, esp_log_level_t level);
esp_log_level_t esp_log_level_get(const char* tag);
uint32_t esp_log_timestamp(void);
typedef int (*vprintf_like_t)(const char*, va_list);
/* Where the log's output goes from now on (NULL: stdout); returns the
 * previous function. Called under the log's lock, with the chip of the task
 * that logs selected (espnow::emul::selected_chip_or_null). */
vprintf_like_t esp_log_set_vprintf(vprintf_like_t func);
/* Writes `format` as is, if `tag` logs at `level` (no prefix, no newline). */
void esp_log_write(esp_log_level_t level, const char* tag, const char* format, ...)
    __attribute__((format(printf, 3, 4)));
/* One line with ESP-IDF's prefix and a newline. */
void esp_emul_log_line(esp_log_level_t level, const char* tag, const char* format, ...)
    __attribute__((format(printf, 3, 4)));
void esp_log_buffer_hex_internal(const char* tag, const void* buffer, uint16_t buff_len, esp_log_level_t level);
void esp_log_buffer_char_internal(const char* tag, const void* buffer, uint16_t buff_len, esp_log_level_t level);
void esp_log_buffer_hexdump_internal(const char* tag, const void* buffer, uint16_t buff_len, esp_log_level_t level);

/* The program's CONFIG_LOG_DEFAULT_LEVEL: where every tag's level starts
 * (the constructor below hands it over from the program's sdkconfig.h). */
void esp_emul_log_set_default_level(esp_log_level_t level);

/* As ESP-IDF: what a file compiles in at most. A file may define it before
 * including esp_log.h; else it is CONFIG_LOG_MAXIMUM_LEVEL, which is
 * CONFIG_LOG_DEFAULT_LEVEL unless sdkconfig.h says otherwise. Above it
 * ESP_LOGx is compiled out: esp_log_level_set cannot bring it back. */
#ifndef LOG_LOCAL_LEVEL
#define LOG_LOCAL_LEVEL CONFIG_LOG_MAXIMUM_LEVEL
#endif

#define ESP_LOG_LEVEL(level, tag, ...) esp_emul_log_line((level), (tag), __VA_ARGS__)
#define ESP_LOG_LEVEL_LOCAL(level, tag, ...)                          \
  do {                                                                \
    if (LOG_LOCAL_LEVEL >= (level)) ESP_LOG_LEVEL((level), (tag), __VA_ARGS__); \
  } while (0)
#define ESP_LOGE(tag, ...) ESP_LOG_LEVEL_LOCAL(ESP_LOG_ERROR, (tag), __VA_ARGS__)
#define ESP_LOGW(tag, ...) ESP_LOG_LEVEL_LOCAL(ESP_LOG_WARN, (tag), __VA_ARGS__)
#define ESP_LOGI(tag, ...) ESP_LOG_LEVEL_LOCAL(ESP_LOG_INFO, (tag), __VA_ARGS__)
#define ESP_LOGD(tag, ...) ESP_LOG_LEVEL_LOCAL(ESP_LOG_DEBUG, (tag), __VA_ARGS__)
#define ESP_LOGV(tag, ...) ESP_LOG_LEVEL_LOCAL(ESP_LOG_VERBOSE, (tag), __VA_ARGS__)
#define ESP_EARLY_LOGE ESP_LOGE
#define ESP_EARLY_LOGW ESP_LOGW
#define ESP_EARLY_LOGI ESP_LOGI
#define ESP_EARLY_LOGD ESP_LOGD
#define ESP_EARLY_LOGV ESP_LOGV
#define ESP_DRAM_LOGE ESP_LOGE
#define ESP_DRAM_LOGW ESP_LOGW
#define ESP_DRAM_LOGI ESP_LOGI
#define ESP_LOG_BUFFER_HEX_LEVEL(tag, buffer, len, level)                                  \
  do {                                                                                     \
    if (LOG_LOCAL_LEVEL >= (level)) esp_log_buffer_hex_internal((tag), (buffer), (len), (level)); \
  } while (0)
#define ESP_LOG_BUFFER_CHAR_LEVEL(tag, buffer, len, level)                                  \
  do {                                                                                      \
    if (LOG_LOCAL_LEVEL >= (level)) esp_log_buffer_char_internal((tag), (buffer), (len), (level)); \
  } while (0)
#define ESP_LOG_BUFFER_HEXDUMP(tag, buffer, len, level)                                        \
  do {                                                                                         \
    if (LOG_LOCAL_LEVEL >= (level)) esp_log_buffer_hexdump_internal((tag), (buffer), (len), (level)); \
  } while (0)
#define ESP_LOG_BUFFER_HEX(tag, buffer, len) ESP_LOG_BUFFER_HEX_LEVEL((tag), (buffer), (len), ESP_LOG_INFO)
#define ESP_LOG_BUFFER_CHAR(tag, buffer, len) ESP_LOG_BUFFER_CHAR_LEVEL((tag), (buffer), (len), ESP_LOG_INFO)

#ifndef ESPNOW_EMUL_LIBRARY
__attribute__((constructor)) static void espnow_emul_log_default_level_(void) {
  esp_emul_log_set_default_level((esp_log_level_t)CONFIG_LOG_DEFAULT_LEVEL);
}
#endif

#ifdef __cplusplus
}
#endif
