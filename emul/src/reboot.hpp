// How the process's default chip boots again (esp_restart, deep sleep): the
// program is executed anew, with its arguments and environment, its STA MAC
// pinned in ESPNOW_MAC (so its NVS file is found again), the reset reason
// in ESPNOW_EMUL_RESET_REASON and its RTC memory handed over
// (rtc_memory.hpp). Every other thread and socket of the chip is gone.
#pragma once

namespace espnow::emul::detail {

struct ChipState;

// reset_reason: an esp_reset_reason_t. In esp_system.cpp.
[[noreturn]] void reexecute_default_chip(ChipState& chip, int reset_reason);

}  // namespace espnow::emul::detail
