// The RTC memory of the process's default chip across its reboots: the
// sections esp_attr.h's RTC_NOINIT_ATTR and RTC_DATA_ATTR put variables in,
// carried to the program executed next in its environment and put back
// before main(), as a chip's RTC memory keeps its contents while the rest
// of the chip is reset.
#pragma once

namespace espnow::emul::detail {

// The RTC_NOINIT_ATTR variables always; the RTC_DATA_ATTR ones only when
// waking from deep sleep (a chip's boot loads them afresh otherwise).
void hand_over_rtc_memory(bool deep_sleep);

// The default chip's firmware is the module `module` (a dlopen handle,
// firmware_copies.hpp): its sections are the RTC memory from now on, and what
// the program before this one handed over is put back into them.
void adopt_rtc_memory_of(void* module);

}  // namespace espnow::emul::detail
