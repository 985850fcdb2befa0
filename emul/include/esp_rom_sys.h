/* The ROM's busy wait and printf (esp_rom_sys.h). On a chip the CPU spins
 * for the time; here the calling task waits it out on its chip's clock
 * (virtual in a Simulation), so time passes as on the chip, but other tasks
 * run meanwhile, where a spinning chip would run only the other core's.
 * esp_rom_printf (an ISR's printf on a chip) is the program's printf. */
#pragma once

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

void esp_rom_delay_us(uint32_t us);

static inline int esp_rom_printf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
static inline int esp_rom_printf(const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  const int n = vprintf(fmt, args);
  va_end(args);
  return n;
}

#ifdef __cplusplus
}
#endif
