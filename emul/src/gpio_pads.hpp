// A chip's 40 GPIO pads (driver/gpio.h): what the driver configured and
// what drives them. The level a pad shows: its output latch while the
// output is on (an open-drain output only pulls low), else what a harness
// drives onto it, else its pulls (up: 1, down or none: 0).
#pragma once

#include <array>
#include <mutex>
#include <optional>

namespace espnow::emul::detail {

struct GpioPad {
  bool input = false, output = false, open_drain = false;
  bool pull_up = true, pull_down = false;  // a reset pad has its pull-up on
  int latch = 0;
  int intr_type = 0;
  std::optional<int> driven;  // an external level (EmulatedChip::set_gpio_input)

  int level() const {
    if (output && !(open_drain && latch)) return latch;
    if (driven) return *driven;
    return pull_up ? 1 : 0;
  }
};

struct GpioPads {
  static constexpr int kCount = 40;
  static constexpr int kFirstWithoutPulls = 34;  // 34..39: input only, no pulls

  GpioPads() {
    for (int n = kFirstWithoutPulls; n < kCount; ++n) pads[static_cast<std::size_t>(n)].pull_up = false;
  }

  std::mutex mutex;  // the pads
  std::array<GpioPad, kCount> pads;
};

}  // namespace espnow::emul::detail
