/* ESP-IDF's error-checking macros (esp_check.h): on a failed check they log
 * "function(line): message" at error level under the given tag, then return
 * the code, return (the _VOID forms), or set the local `ret` and jump to the
 * label (the _GOTO forms), as ESP-IDF documents them. The _ISR forms are the
 * same here: there are no interrupts. The message and its arguments go to a
 * function, so the macros need no GNU extension for a message without
 * arguments. */
#pragma once

#include "esp_err.h"
#include "esp_log.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Logs "func(line): " and the formatted message at ESP_LOG_ERROR under `tag`. */
void esp_emul_check_failed(const char* tag, const char* func, int line, const char* format, ...)
    __attribute__((format(printf, 4, 5)));

#define ESP_RETURN_ON_ERROR(x, log_tag, ...)                    \
  do {                                                          \
    esp_err_t err_rc_ = (x);                                    \
    if (err_rc_ != ESP_OK) {                                    \
      esp_emul_check_failed(log_tag, __func__, __LINE__, __VA_ARGS__); \
      return err_rc_;                                           \
    }                                                           \
  } while (0)

#define ESP_RETURN_VOID_ON_ERROR(x, log_tag, ...)               \
  do {                                                          \
    esp_err_t err_rc_ = (x);                                    \
    if (err_rc_ != ESP_OK) {                                    \
      esp_emul_check_failed(log_tag, __func__, __LINE__, __VA_ARGS__); \
      return;                                                   \
    }                                                           \
  } while (0)

#define ESP_GOTO_ON_ERROR(x, goto_tag, log_tag, ...)            \
  do {                                                          \
    esp_err_t err_rc_ = (x);                                    \
    if (err_rc_ != ESP_OK) {                                    \
      esp_emul_check_failed(log_tag, __func__, __LINE__, __VA_ARGS__); \
      ret = err_rc_;                                            \
      goto goto_tag;                                            \
    }                                                           \
  } while (0)

#define ESP_RETURN_ON_FALSE(a, err_code, log_tag, ...)          \
  do {                                                          \
    if (!(a)) {                                                 \
      esp_emul_check_failed(log_tag, __func__, __LINE__, __VA_ARGS__); \
      return err_code;                                          \
    }                                                           \
  } while (0)

#define ESP_RETURN_VOID_ON_FALSE(a, log_tag, ...)               \
  do {                                                          \
    if (!(a)) {                                                 \
      esp_emul_check_failed(log_tag, __func__, __LINE__, __VA_ARGS__); \
      return;                                                   \
    }                                                           \
  } while (0)

#define ESP_GOTO_ON_FALSE(a, err_code, goto_tag, log_tag, ...)  \
  do {                                                          \
    if (!(a)) {                                                 \
      esp_emul_check_failed(log_tag, __func__, __LINE__, __VA_ARGS__); \
      ret = (err_code);                                         \
      goto goto_tag;                                            \
    }                                                           \
  } while (0)

#define ESP_RETURN_ON_ERROR_ISR ESP_RETURN_ON_ERROR
#define ESP_RETURN_VOID_ON_ERROR_ISR ESP_RETURN_VOID_ON_ERROR
#define ESP_GOTO_ON_ERROR_ISR ESP_GOTO_ON_ERROR
#define ESP_RETURN_ON_FALSE_ISR ESP_RETURN_ON_FALSE
#define ESP_RETURN_VOID_ON_FALSE_ISR ESP_RETURN_VOID_ON_FALSE
#define ESP_GOTO_ON_FALSE_ISR ESP_GOTO_ON_FALSE

#ifdef __cplusplus
}
#endif
