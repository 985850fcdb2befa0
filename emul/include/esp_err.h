/* ESP-IDF's esp_err.h, the subset ESP-NOW code uses (host emulation).
 * Names and numbers matched against ESP-IDF v5.5 as documented
 * (https://docs.espressif.com/projects/esp-idf/en/v5.5/esp32/api-reference/system/esp_err.html). */
#pragma once

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef int esp_err_t;

#define ESP_OK 0
#define ESP_FAIL -1

#define ESP_ERR_NO_MEM 0x101
#define ESP_ERR_INVALID_ARG 0x102
#define ESP_ERR_INVALID_STATE 0x103
#define ESP_ERR_INVALID_SIZE 0x104
#define ESP_ERR_NOT_FOUND 0x105
#define ESP_ERR_NOT_SUPPORTED 0x106
#define ESP_ERR_TIMEOUT 0x107
#define ESP_ERR_INVALID_RESPONSE 0x108
#define ESP_ERR_INVALID_CRC 0x109
#define ESP_ERR_INVALID_VERSION 0x10A
#define ESP_ERR_INVALID_MAC 0x10B
#define ESP_ERR_NOT_FINISHED 0x10C
#define ESP_ERR_NOT_ALLOWED 0x10D

#define ESP_ERR_WIFI_BASE 0x3000
#define ESP_ERR_MESH_BASE 0x4000

/* The name of a code ("ESP_ERR_ESPNOW_NOT_FOUND"), or "UNKNOWN ERROR".
 * Every code the emulation's headers define has its name. */
const char* esp_err_to_name(esp_err_t code);
/* The same into `buf` (at most `buflen` bytes, NUL included); a code without
 * a name is described as an errno value when the C library knows it, else
 * "UNKNOWN ERROR 0x<hex>(<decimal>)". Returns `buf`. */
const char* esp_err_to_name_r(esp_err_t code, char* buf, size_t buflen);

/* A panic's abort(), as the chip's: a chip given ChipOptions::on_panic (a
 * chip of --sim) says so and reboots with ESP_RST_PANIC; any other program
 * aborts. */
void esp_emul_abort(void) __attribute__((noreturn));

/* As on the chip: print the failed call and abort (esp_emul_abort). */
#define ESP_ERROR_CHECK(x)                                                                     \
  do {                                                                                         \
    esp_err_t err_rc_ = (x);                                                                   \
    if (err_rc_ != ESP_OK) {                                                                   \
      fprintf(stderr, "ESP_ERROR_CHECK failed: esp_err_t 0x%x (%s) at %s:%d\nexpression: %s\n", \
              (unsigned)err_rc_, esp_err_to_name(err_rc_), __FILE__, __LINE__, #x);            \
      esp_emul_abort();                                                                        \
    }                                                                                          \
  } while (0)

/* Prints the failed call as ESP_ERROR_CHECK does and returns the code
 * instead of aborting. */
static inline esp_err_t esp_emul_error_check_without_abort(esp_err_t rc, const char* file, int line, const char* func,
                                                           const char* expression) {
  if (rc != ESP_OK)
    fprintf(stderr, "ESP_ERROR_CHECK_WITHOUT_ABORT failed: esp_err_t 0x%x (%s) at %s:%d\nfunc: %s\nexpression: %s\n",
            (unsigned)rc, esp_err_to_name(rc), file, line, func, expression);
  return rc;
}
#define ESP_ERROR_CHECK_WITHOUT_ABORT(x) esp_emul_error_check_without_abort((x), __FILE__, __LINE__, __func__, #x)

#ifdef __cplusplus
}
#endif
