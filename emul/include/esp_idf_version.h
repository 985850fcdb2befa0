/* ESP-IDF's esp_idf_version.h, the part ESP-NOW code tests (host emulation).
 * Matched against ESP-IDF v5.5 as documented. The emulation reports v5.5.0;
 * define ESP_IDF_VERSION_MAJOR/MINOR/PATCH before including it (or on the
 * command line) to compile code against the shape of another 5.x release. */
#pragma once

#ifndef ESP_IDF_VERSION_MAJOR
#define ESP_IDF_VERSION_MAJOR 5
#endif
#ifndef ESP_IDF_VERSION_MINOR
#define ESP_IDF_VERSION_MINOR 5
#endif
#ifndef ESP_IDF_VERSION_PATCH
#define ESP_IDF_VERSION_PATCH 0
#endif

#define ESP_IDF_VERSION_VAL(major, minor, patch) (((major) << 16) | ((minor) << 8) | (patch))
#define ESP_IDF_VERSION ESP_IDF_VERSION_VAL(ESP_IDF_VERSION_MAJOR, ESP_IDF_VERSION_MINOR, ESP_IDF_VERSION_PATCH)

#ifdef __cplusplus
extern "C" {
#endif

/* "v5.5.0" for the emulation. */
const char* esp_get_idf_version(void);

#ifdef __cplusplus
}
#endif
