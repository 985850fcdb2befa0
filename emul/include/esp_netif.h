/* ESP-IDF's esp_netif.h, as far as an ESP-NOW application calls it (host
 * emulation; ESP-IDF v5.5,
 * https://docs.espressif.com/projects/esp-idf/en/v5.5/esp32/api-reference/network/esp_netif.html).
 * The emulated chip has no IP stack: the default interfaces exist so the
 * usual start-up runs, and carry no traffic. */
#pragma once

#include "esp_err.h"
#include "esp_event.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct esp_netif_obj esp_netif_t;

/* ESP_OK, also the second time. */
esp_err_t esp_netif_init(void);
/* As ESP-IDF: the chip's default event loop must exist (else the program
 * stops, as ESP-IDF's ESP_ERROR_CHECK inside it does); one per chip, the
 * same object when asked again. */
esp_netif_t* esp_netif_create_default_wifi_sta(void);
esp_netif_t* esp_netif_create_default_wifi_ap(void);
void esp_netif_destroy_default_wifi(void* esp_netif);

#ifdef __cplusplus
}
#endif
