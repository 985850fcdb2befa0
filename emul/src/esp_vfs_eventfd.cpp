// The host's eventfd needs no registration; the calls keep ESP-IDF's
// argument check so code written for the chip behaves the same here.
#include "esp_vfs_eventfd.h"

extern "C" {

esp_err_t esp_vfs_eventfd_register(const esp_vfs_eventfd_config_t* config) {
  return config ? ESP_OK : ESP_ERR_INVALID_ARG;
}

esp_err_t esp_vfs_eventfd_unregister(void) { return ESP_OK; }

}  // extern "C"
