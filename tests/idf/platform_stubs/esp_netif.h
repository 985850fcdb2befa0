/* Declarations for the host compile check of the ESP-IDF example (ESP-IDF v5.5 names). */
#pragma once
#include "esp_err.h"
#ifdef __cplusplus
extern "C" {
#endif
esp_err_t esp_netif_init(void);
#ifdef __cplusplus
}
#endif
