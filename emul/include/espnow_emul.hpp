// Emulated ESP32s for the host: each EmulatedChip is one radio on a virtual
// air (in-process SimAir or the UDP air) with SoftLink playing Espressif's
// closed ESP-NOW stack. ESP-IDF's C functions (esp_now.h, esp_wifi.h,
// esp_mac.h) act on the calling thread's selected chip:
//
//   espnow::SimAir air;
//   auto a = espnow::emul::EmulatedChip::create(air, {.radio = {.mac = ...}});
//   espnow::emul::ScopedChip use(a->get());   // esp_* calls now act on chip a
//   esp_wifi_init(&cfg); ... esp_now_init(); ...
//
// With no chip selected, the esp_* functions act on the process's default
// chip, created on first use on the default UDP air (ESPNOW_AIR, else
// udp://239.255.0.1:47474) with a random locally administered MAC, so an
// existing esp_now program runs unchanged against the virtual air.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "espnow/common/clock.hpp"
#include "espnow/common/result.hpp"
#include "espnow/radio/sim_air.hpp"
#include "espnow/link/soft_link.hpp"
#include "espnow/radio/udp_air.hpp"

namespace espnow::emul {

namespace detail {
struct ChipState;
}

struct ChipOptions {
  RadioOptions radio{};        // the radio starts with both interfaces off, as a chip does
  SoftLinkOptions link{};      // version: what esp_now_get_version reports (1 by default)
  std::size_t rx_queue_len = 32;  // received frames the Wi-Fi task holds before dropping
  // Where the chip's NVS lives across "reboots": <nvs_dir>/<STA MAC, 12 hex
  // digits>.nvs. Empty: ESPNOW_NVS_DIR if set, else in memory only.
  std::string nvs_dir{};
  // What esp_reset_reason() reports (an esp_reset_reason_t): ESP_RST_POWERON.
  int reset_reason = 1;
  // What esp_restart() does for this chip, after the shutdown handlers, on
  // the thread that called it; that thread then ends, as esp_restart never
  // returns. A harness restarts the chip by destroying it from another
  // thread and making it again (with its MAC and nvs_dir, and reset_reason
  // ESP_RST_SW). Without it, esp_restart stops the program with a message.
  // (The process's default chip re-executes the program instead.)
  std::function<void()> on_restart{};
  // What esp_sleep_get_wakeup_cause() reports (an esp_sleep_source_t):
  // ESP_SLEEP_WAKEUP_UNDEFINED; ESP_SLEEP_WAKEUP_TIMER for a chip made again
  // after a deep sleep.
  int wakeup_cause = 0;
  // What esp_deep_sleep_start() does for this chip, after its deep-sleep
  // hooks and with its radio off, on the thread that called it; that thread
  // then ends. A harness destroys the chip from another thread and, after
  // the sleep (nullopt: no wake-up source, never), makes it again with its
  // MAC and nvs_dir, reset_reason ESP_RST_DEEPSLEEP and wakeup_cause
  // ESP_SLEEP_WAKEUP_TIMER. Without it, deep sleep stops the program with a
  // message. (The process's default chip re-executes the program instead.)
  std::function<void(std::optional<std::uint64_t> sleep_us)> on_deep_sleep{};
  // What a panic does for this chip (a failed ESP_ERROR_CHECK, esp_system_abort:
  // esp_emul_abort), after its "abort() was called" line, on the thread that
  // panicked; that thread then ends. A harness reboots the chip, as a chip's
  // panic handler does, with reset_reason ESP_RST_PANIC. Without it the
  // program aborts, as a debugger would stop it (the process's default chip
  // too).
  std::function<void()> on_panic{};
  // The chip's time (null: the steady clock): its FreeRTOS ticks, delays and
  // timeouts, software timers, esp_timer, esp_log's timestamps and light
  // sleep. Its tasks (Wi-Fi, esp_timer, timer service, event loop, those
  // the program creates) start through it, so on a Simulation's clock they
  // are the simulation's programs (espnow_emul_simulation.hpp), and the chip
  // must live as long as the simulation does.
  Clock* clock = nullptr;
};

class EmulatedChip {
 public:
  // errc::arg for a group MAC or a bad channel.
  static Result<std::unique_ptr<EmulatedChip>> create(SimAir& air, const ChipOptions& options);
  static Result<std::unique_ptr<EmulatedChip>> create(UdpAir& air, const ChipOptions& options);
  ~EmulatedChip();
  EmulatedChip(const EmulatedChip&) = delete;
  EmulatedChip& operator=(const EmulatedChip&) = delete;

  AirRadio& radio() const;
  // The stack under esp_now_*; tests read its counters, PMK and rate.
  SoftLink& link() const;
  // Received frames the Wi-Fi task dropped because its queue was full.
  std::uint64_t rx_queue_drops() const;

  // GPIO pad `pin` (driver/gpio.h) as a probe on it reads: the output the
  // firmware drives, else what set_gpio_input drives, else its pull (up: 1).
  // -1 for a pad an ESP32 does not have.
  int gpio_level(int pin) const;
  // Drives pad `pin` from outside (a button, a sensor's line): gpio_get_level
  // reads it while the firmware does not drive the pad itself, and a change
  // its interrupt listens for runs its handler (on virtual time, at this
  // instant: call it between runs or from Simulation::at). nullopt lets it
  // go. False for a pad an ESP32 does not have.
  bool set_gpio_input(int pin, std::optional<int> level);
  // Puts `millivolts` on pad `pin` for its ADC channel (esp_adc/adc_oneshot.h:
  // a battery divider, a sensor's output); nullopt takes it off, and the ADC
  // then reads the pad's level at 3.3 V. False for a pad an ESP32 does not have.
  bool set_analog_input(int pin, std::optional<int> millivolts);

  // Returns once the Wi-Fi task has nothing queued and runs no callback;
  // false if it already had nothing to do. On the in-process air a receiver
  // then has every frame sent so far, as without the task.
  bool wait_quiet() const;

  detail::ChipState& state() const { return *state_; }

 private:
  // `sim_air`: the in-process air the radio is on (its routers), else null.
  EmulatedChip(AirRadio& radio, const SimAir* sim_air, const ChipOptions& options, std::function<void()> release);
  std::unique_ptr<detail::ChipState> state_;
};

// The chip the esp_* functions act on from the calling thread; nullptr goes
// back to the process default. Each chip's Wi-Fi task has its chip selected,
// so callbacks may call esp_* functions.
void select_chip(EmulatedChip* chip);
// Never null: the thread's chip, else the process default (created on first use).
EmulatedChip& selected_chip();
// The thread's chip, or nullptr when it has none (never creates the default):
// a FreeRTOS task or timer inherits its creator's selection this way.
EmulatedChip* selected_chip_or_null();
// The chip that threads with no selection use; nullptr restores the default-air chip.
void set_default_chip(EmulatedChip* chip);

// Selects a chip for the calling thread for the lifetime of the object.
class ScopedChip {
 public:
  explicit ScopedChip(EmulatedChip* chip);
  ~ScopedChip();
  ScopedChip(const ScopedChip&) = delete;
  ScopedChip& operator=(const ScopedChip&) = delete;

 private:
  EmulatedChip* previous_;
};

}  // namespace espnow::emul
