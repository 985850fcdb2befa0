/* ESP-IDF's nvs_flash.h on the host: the default NVS partition of the
 * selected emulated chip (ESP-IDF v5.5,
 * https://docs.espressif.com/projects/esp-idf/en/v5.5/esp32/api-reference/storage/nvs_flash.html).
 * The emulated partition never reports ESP_ERR_NVS_NO_FREE_PAGES or
 * ESP_ERR_NVS_NEW_VERSION_FOUND, so the usual erase-and-retry start-up runs
 * its first branch only. */
#pragma once

#include "esp_err.h"
#include "nvs.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ESP_OK, also when the partition is already initialised. */
esp_err_t nvs_flash_init(void);
/* ESP_ERR_NOT_FOUND for a label other than "nvs". */
esp_err_t nvs_flash_init_partition(const char* partition_label);
/* Closes every handle of the partition; ESP_ERR_NVS_NOT_INITIALIZED when it
 * was not initialised. */
esp_err_t nvs_flash_deinit(void);
esp_err_t nvs_flash_deinit_partition(const char* partition_label);
/* Erases every namespace (and the chip's NVS file); an initialised
 * partition is deinitialised first and must be initialised again. */
esp_err_t nvs_flash_erase(void);
esp_err_t nvs_flash_erase_partition(const char* part_name);

#ifdef __cplusplus
}
#endif
