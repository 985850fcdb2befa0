/* ESP-IDF's esp_attr.h on the host (ESP-IDF v5.5,
 * https://docs.espressif.com/projects/esp-idf/en/v5.5/esp32/api-guides/memory-types.html),
 * the placement attributes ESP-NOW firmware uses.
 * - A host has no IRAM, DRAM or RTC memory: the code and DRAM attributes are
 *   empty.
 * - RTC_DATA_ATTR (and RTC_SLOW_ATTR, RTC_FAST_ATTR) put a variable in the
 *   section espnow_rtc_data, RTC_NOINIT_ATTR in espnow_rtc_noinit. The
 *   process's default chip carries both sections over a deep sleep (the
 *   program is executed again, esp_sleep.h), and espnow_rtc_noinit over
 *   esp_restart too, as a chip keeps its RTC memory; on any other start they
 *   hold their initial values. Chips made in one process share the program's
 *   variables anyway. Only for a program linked with the emulation
 *   statically (the build's default).
 * - RTC_RODATA_ATTR is empty: read-only data needs no carrying, and a const
 *   variable in a writable section would conflict with the others. */
#pragma once

#define IRAM_ATTR
#define DRAM_ATTR
#define IRAM_DATA_ATTR
#define IRAM_BSS_ATTR
#define DMA_ATTR
#define EXT_RAM_BSS_ATTR
#define EXT_RAM_NOINIT_ATTR
#define NOINIT_ATTR
#define RTC_IRAM_ATTR
#define RTC_RODATA_ATTR

#define RTC_DATA_ATTR __attribute__((section("espnow_rtc_data")))
#define RTC_SLOW_ATTR RTC_DATA_ATTR
#define RTC_FAST_ATTR RTC_DATA_ATTR
#define RTC_NOINIT_ATTR __attribute__((section("espnow_rtc_noinit")))

#define WORD_ALIGNED_ATTR __attribute__((aligned(4)))
#define FORCE_INLINE_ATTR static inline __attribute__((always_inline))
#define NOINLINE_ATTR __attribute__((noinline))
