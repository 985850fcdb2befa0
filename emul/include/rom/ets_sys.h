/* The ROM's older name for the busy wait (rom/ets_sys.h), as esp_rom_sys.h's. */
#pragma once

#include "esp_rom_sys.h"

#ifdef __cplusplus
extern "C" {
#endif

static inline void ets_delay_us(uint32_t us) { esp_rom_delay_us(us); }

#ifdef __cplusplus
}
#endif
