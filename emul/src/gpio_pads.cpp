#include "gpio_pads.hpp"

#include "driver/gpio.h"
#include "gpio_isr_service.hpp"

namespace espnow::emul::detail {

bool GpioPad::level_interrupt_active() const {
  if (!intr_enabled) return false;
  if (intr_type == GPIO_INTR_LOW_LEVEL) return input_level() == 0;
  if (intr_type == GPIO_INTR_HIGH_LEVEL) return input_level() == 1;
  return false;
}

bool GpioPad::raises(int before) const {
  if (!intr_enabled) return false;
  const int now = input_level();
  switch (intr_type) {
    case GPIO_INTR_POSEDGE: return before == 0 && now == 1;
    case GPIO_INTR_NEGEDGE: return before == 1 && now == 0;
    case GPIO_INTR_ANYEDGE: return before != now;
    default: return before != now && level_interrupt_active();
  }
}

GpioPads::GpioPads() {
  for (int n = kFirstWithoutPulls; n < kCount; ++n) pads[static_cast<std::size_t>(n)].pull_up = false;
}

GpioPads::~GpioPads() { stop_service(); }

void GpioPads::changed_locked(int n, int before) {
  if (pads[static_cast<std::size_t>(n)].raises(before)) raise_locked(n);
}

void GpioPads::recheck_level_locked(int n) {
  if (pads[static_cast<std::size_t>(n)].level_interrupt_active()) raise_locked(n);
}

void GpioPads::raise_locked(int n) {
  pending |= std::uint64_t{1} << n;
  if (service) service->wake_locked();
}

void GpioPads::stop_service() {
  std::unique_ptr<GpioIsrService> s;
  {
    std::lock_guard lk(mutex);
    s = std::move(service);
  }
  s.reset();  // outside the lock: its task takes it until it ends
}

}  // namespace espnow::emul::detail
