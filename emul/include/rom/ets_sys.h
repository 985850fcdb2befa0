/* The ROM's older names (rom/ets_sys.h) for esp_rom_sys.h's busy wait and printf. */
#pragma once

#include "esp_rom_sys.h"

#ifdef __cplusplus
extern "C" {
#endif

static inline void ets_delay_us(uint32_t us) { esp_rom_delay_us(us); }
#define ets_printf esp_rom_printf

#ifdef __cplusplus
}
#endif
