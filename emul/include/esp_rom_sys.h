/* The ROM's busy wait (esp_rom_sys.h). On a chip the CPU spins for the
 * time; here the calling task waits it out on its chip's clock (virtual in
 * a Simulation), so time passes as on the chip, but other tasks run
 * meanwhile, where a spinning chip would run only the other core's. */
#pragma once

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

void esp_rom_delay_us(uint32_t us);

#ifdef __cplusplus
}
#endif
