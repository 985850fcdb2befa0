// A chip's 40 GPIO pads (driver/gpio.h): what the driver configured and
// what drives them. The level a pad shows: its output latch while the
// output is on (an open-drain output only pulls low), else what a harness
// drives onto it, else its pulls (up: 1, down or none: 0).
// Each change of a pad's input that its interrupt type matches, while its
// interrupt is enabled, sets the pad's bit in `pending` (the GPIO interrupt
// status) and wakes the ISR service (gpio_isr_service.hpp), if installed.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>

namespace espnow::emul::detail {

class GpioIsrService;

struct GpioPad {
  bool input = false, output = false, open_drain = false;
  bool pull_up = true, pull_down = false;  // a reset pad has its pull-up on
  int latch = 0;
  int intr_type = 0;           // a gpio_int_type_t
  bool intr_enabled = false;   // gpio_intr_enable / gpio_config with an intr_type
  void (*isr)(void*) = nullptr;  // gpio_isr_handler_add's
  void* isr_arg = nullptr;
  std::optional<int> driven;  // an external level (EmulatedChip::set_gpio_input)
  std::optional<int> analog_mv;  // an external voltage (EmulatedChip::set_analog_input)

  int level() const {
    if (output && !(open_drain && latch)) return latch;
    if (driven) return *driven;
    return pull_up ? 1 : 0;
  }
  // What gpio_get_level reads and the interrupt logic sees: 0 with the input off.
  int input_level() const { return input ? level() : 0; }
  // What an ADC sees on it: the voltage put on it, else its level at 3.3 V.
  int millivolts() const { return analog_mv ? *analog_mv : level() * 3300; }
  // A level interrupt whose level the pad shows now.
  bool level_interrupt_active() const;
  // Whether going from input level `before` to the present one raises its interrupt.
  bool raises(int before) const;
};

struct GpioPads {
  static constexpr int kCount = 40;
  static constexpr int kFirstWithoutPulls = 34;  // 34..39: input only, no pulls

  GpioPads();
  ~GpioPads();
  GpioPads(const GpioPads&) = delete;
  GpioPads& operator=(const GpioPads&) = delete;

  // After pad `n` changed (its input level was `before`): sets its pending
  // bit when that raised its interrupt, and wakes the service.
  void changed_locked(int n, int before);
  // The pad's interrupt was just enabled, or its handler returned: a level
  // interrupt whose level holds is raised (again).
  void recheck_level_locked(int n);
  // Ends the ISR service's task (a chip going away), handlers kept.
  void stop_service();

  std::mutex mutex;  // the pads, `pending` and `service`
  std::array<GpioPad, kCount> pads;
  std::uint64_t pending = 0;  // bit n: pad n's interrupt was raised, not yet served
  std::unique_ptr<GpioIsrService> service;  // gpio_install_isr_service's; null when not installed

 private:
  void raise_locked(int n);
};

}  // namespace espnow::emul::detail
