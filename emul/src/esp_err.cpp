// esp_err_to_name and esp_err_to_name_r: the name of every code the
// emulation's headers define (and so every code it can return), as
// ESP-IDF's generated table names them: the macro's own spelling.
#include "esp_err.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <iterator>

#include "esp_now.h"
#include "esp_wifi.h"
#include "nvs.h"

namespace {

struct ErrName {
  esp_err_t code;
  const char* name;
};

#define ESPNOW_EMUL_ERR(code) ErrName{code, #code}

constexpr ErrName kNames[] = {
    ESPNOW_EMUL_ERR(ESP_OK), ESPNOW_EMUL_ERR(ESP_FAIL),
    ESPNOW_EMUL_ERR(ESP_ERR_NO_MEM), ESPNOW_EMUL_ERR(ESP_ERR_INVALID_ARG),
    ESPNOW_EMUL_ERR(ESP_ERR_INVALID_STATE), ESPNOW_EMUL_ERR(ESP_ERR_INVALID_SIZE),
    ESPNOW_EMUL_ERR(ESP_ERR_NOT_FOUND), ESPNOW_EMUL_ERR(ESP_ERR_NOT_SUPPORTED),
    ESPNOW_EMUL_ERR(ESP_ERR_TIMEOUT), ESPNOW_EMUL_ERR(ESP_ERR_INVALID_RESPONSE),
    ESPNOW_EMUL_ERR(ESP_ERR_INVALID_CRC), ESPNOW_EMUL_ERR(ESP_ERR_INVALID_VERSION),
    ESPNOW_EMUL_ERR(ESP_ERR_INVALID_MAC), ESPNOW_EMUL_ERR(ESP_ERR_NOT_FINISHED),
    ESPNOW_EMUL_ERR(ESP_ERR_NOT_ALLOWED),
    ESPNOW_EMUL_ERR(ESP_ERR_NVS_BASE), ESPNOW_EMUL_ERR(ESP_ERR_NVS_NOT_INITIALIZED),
    ESPNOW_EMUL_ERR(ESP_ERR_NVS_NOT_FOUND), ESPNOW_EMUL_ERR(ESP_ERR_NVS_TYPE_MISMATCH),
    ESPNOW_EMUL_ERR(ESP_ERR_NVS_READ_ONLY), ESPNOW_EMUL_ERR(ESP_ERR_NVS_NOT_ENOUGH_SPACE),
    ESPNOW_EMUL_ERR(ESP_ERR_NVS_INVALID_NAME), ESPNOW_EMUL_ERR(ESP_ERR_NVS_INVALID_HANDLE),
    ESPNOW_EMUL_ERR(ESP_ERR_NVS_REMOVE_FAILED), ESPNOW_EMUL_ERR(ESP_ERR_NVS_KEY_TOO_LONG),
    ESPNOW_EMUL_ERR(ESP_ERR_NVS_PAGE_FULL), ESPNOW_EMUL_ERR(ESP_ERR_NVS_INVALID_STATE),
    ESPNOW_EMUL_ERR(ESP_ERR_NVS_INVALID_LENGTH), ESPNOW_EMUL_ERR(ESP_ERR_NVS_NO_FREE_PAGES),
    ESPNOW_EMUL_ERR(ESP_ERR_NVS_VALUE_TOO_LONG), ESPNOW_EMUL_ERR(ESP_ERR_NVS_PART_NOT_FOUND),
    ESPNOW_EMUL_ERR(ESP_ERR_NVS_NEW_VERSION_FOUND),
    ESPNOW_EMUL_ERR(ESP_ERR_WIFI_BASE), ESPNOW_EMUL_ERR(ESP_ERR_WIFI_NOT_INIT),
    ESPNOW_EMUL_ERR(ESP_ERR_WIFI_NOT_STARTED), ESPNOW_EMUL_ERR(ESP_ERR_WIFI_NOT_STOPPED),
    ESPNOW_EMUL_ERR(ESP_ERR_WIFI_IF), ESPNOW_EMUL_ERR(ESP_ERR_WIFI_MODE),
    ESPNOW_EMUL_ERR(ESP_ERR_WIFI_STATE), ESPNOW_EMUL_ERR(ESP_ERR_WIFI_CONN),
    ESPNOW_EMUL_ERR(ESP_ERR_WIFI_NVS), ESPNOW_EMUL_ERR(ESP_ERR_WIFI_MAC),
    ESPNOW_EMUL_ERR(ESP_ERR_WIFI_SSID), ESPNOW_EMUL_ERR(ESP_ERR_WIFI_PASSWORD),
    ESPNOW_EMUL_ERR(ESP_ERR_WIFI_NOT_CONNECT),
    ESPNOW_EMUL_ERR(ESP_ERR_ESPNOW_BASE),
    ESPNOW_EMUL_ERR(ESP_ERR_ESPNOW_NOT_INIT), ESPNOW_EMUL_ERR(ESP_ERR_ESPNOW_ARG),
    ESPNOW_EMUL_ERR(ESP_ERR_ESPNOW_NO_MEM), ESPNOW_EMUL_ERR(ESP_ERR_ESPNOW_FULL),
    ESPNOW_EMUL_ERR(ESP_ERR_ESPNOW_NOT_FOUND), ESPNOW_EMUL_ERR(ESP_ERR_ESPNOW_INTERNAL),
    ESPNOW_EMUL_ERR(ESP_ERR_ESPNOW_EXIST), ESPNOW_EMUL_ERR(ESP_ERR_ESPNOW_IF),
    ESPNOW_EMUL_ERR(ESP_ERR_ESPNOW_CHAN),
    ESPNOW_EMUL_ERR(ESP_ERR_MESH_BASE),
};

#undef ESPNOW_EMUL_ERR

const char* find_name(esp_err_t code) {
  const auto named = [code](const ErrName& e) { return e.code == code; };
  const auto it = std::find_if(std::begin(kNames), std::end(kNames), named);
  return it == std::end(kNames) ? nullptr : it->name;
}

// The C library's description of `code` as an errno value, or null.
const char* errno_description(esp_err_t code) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
  return strerrordesc_np(code);
#else
  (void)code;
  return nullptr;
#endif
}

}  // namespace

extern "C" {

const char* esp_err_to_name(esp_err_t code) {
  const char* name = find_name(code);
  return name ? name : "UNKNOWN ERROR";
}

// As ESP-IDF's: the table, then the C library's errno descriptions, then
// "UNKNOWN ERROR 0x<hex>(<decimal>)"; at most `buflen` bytes, NUL included.
const char* esp_err_to_name_r(esp_err_t code, char* buf, size_t buflen) {
  if (!buf || buflen == 0) return buf;
  const char* name = find_name(code);
  if (!name) name = errno_description(code);
  if (name) std::snprintf(buf, buflen, "%s", name);
  else std::snprintf(buf, buflen, "UNKNOWN ERROR 0x%x(%d)", static_cast<unsigned>(code), code);
  return buf;
}

}  // extern "C"
