/* ESP-IDF's esp_vfs_eventfd.h, the part ESPNow::fileno() uses (host
 * emulation). Names matched against ESP-IDF v5.5 as documented. On the host
 * eventfd() is the C library's, and registration has nothing to do. */
#pragma once

#include <stddef.h>
#include <sys/eventfd.h>

#include "esp_err.h"

#ifdef __cplusplus
extern "C" {
#endif

#define EFD_SUPPORT_ISR (1 << 4)

typedef struct {
  size_t max_fds;
} esp_vfs_eventfd_config_t;

esp_err_t esp_vfs_eventfd_register(const esp_vfs_eventfd_config_t* config);
esp_err_t esp_vfs_eventfd_unregister(void);

#ifdef __cplusplus
}
#endif
