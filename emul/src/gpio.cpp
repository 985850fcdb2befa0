// driver/gpio.h on the selected chip's pads (gpio_pads.hpp), with ESP-IDF's
// errors; interrupts through the chip's ISR service (gpio_isr_service.hpp).
#include "driver/gpio.h"

#include <memory>
#include <mutex>

#include "chip_state.hpp"
#include "esp_log.h"
#include "espnow_emul.hpp"
#include "gpio_isr_service.hpp"

using espnow::emul::detail::GpioPad;
using espnow::emul::detail::GpioIsrService;
using espnow::emul::detail::GpioPads;

namespace {

GpioPads& pads() { return espnow::emul::selected_chip().state().gpio; }

bool valid(int n) { return GPIO_IS_VALID_GPIO(n); }
bool can_drive(int n) { return GPIO_IS_VALID_OUTPUT_GPIO(n); }
bool has_pulls(int n) { return n < GpioPads::kFirstWithoutPulls; }

bool is_output(gpio_mode_t mode) { return (mode & GPIO_MODE_OUTPUT) != 0; }

const char* const kTag = "gpio";

// `fn(pad)` on pad `n` under the pads' lock, once `n` is a valid pad; a
// change of its input that its interrupt type matches raises it.
template <class Fn>
esp_err_t with_pad(int n, Fn fn) {
  if (!valid(n)) return ESP_ERR_INVALID_ARG;
  GpioPads& p = pads();
  std::lock_guard lk(p.mutex);
  GpioPad& pad = p.pads[static_cast<std::size_t>(n)];
  const int before = pad.input_level();
  const esp_err_t e = fn(pad);
  p.changed_locked(n, before);
  return e;
}

// Enables or disables pad `n`'s interrupt (a level one whose level holds is
// raised at once); disabling forgets it if raised and not yet served.
void set_intr_enabled_locked(GpioPads& p, int n, bool on) {
  p.pads[static_cast<std::size_t>(n)].intr_enabled = on;
  if (on) p.recheck_level_locked(n);
  else p.pending &= ~(std::uint64_t{1} << n);
}

esp_err_t set_intr_enabled(int n, bool on) {
  if (!valid(n)) return ESP_ERR_INVALID_ARG;
  GpioPads& p = pads();
  std::lock_guard lk(p.mutex);
  set_intr_enabled_locked(p, n, on);
  return ESP_OK;
}

// Pad `n`'s handler, its interrupt enabled with one and disabled without:
// gpio_isr_handler_add and _remove.
esp_err_t set_handler(int n, gpio_isr_t isr, void* arg, const char* caller) {
  GpioPads& p = pads();
  std::lock_guard lk(p.mutex);
  if (!p.service) {
    ESP_LOGE(kTag, "%s: GPIO isr service is not installed, call gpio_install_isr_service() first", caller);
    return ESP_ERR_INVALID_STATE;
  }
  if (!valid(n)) return ESP_ERR_INVALID_ARG;
  GpioPad& pad = p.pads[static_cast<std::size_t>(n)];
  pad.isr = isr;
  pad.isr_arg = arg;
  set_intr_enabled_locked(p, n, isr != nullptr);
  return ESP_OK;
}

bool pull_up_of(int n) {
  GpioPads& p = pads();
  std::lock_guard lk(p.mutex);
  return valid(n) && p.pads[static_cast<std::size_t>(n)].pull_up;
}

bool pull_down_of(int n) {
  GpioPads& p = pads();
  std::lock_guard lk(p.mutex);
  return valid(n) && p.pads[static_cast<std::size_t>(n)].pull_down;
}

void apply_mode(GpioPad& pad, gpio_mode_t mode) {
  pad.input = (mode & GPIO_MODE_INPUT) != 0;
  pad.output = is_output(mode);
  pad.open_drain = (mode & 0x4) != 0;
}

bool known_mode(gpio_mode_t mode) {
  switch (mode) {
    case GPIO_MODE_DISABLE:
    case GPIO_MODE_INPUT:
    case GPIO_MODE_OUTPUT:
    case GPIO_MODE_OUTPUT_OD:
    case GPIO_MODE_INPUT_OUTPUT_OD:
    case GPIO_MODE_INPUT_OUTPUT: return true;
  }
  return false;
}

}  // namespace

extern "C" {

esp_err_t gpio_config(const gpio_config_t* c) {
  if (!c || c->pin_bit_mask == 0 || !known_mode(c->mode) || c->intr_type < 0 || c->intr_type >= GPIO_INTR_MAX)
    return ESP_ERR_INVALID_ARG;
  for (int n = 0; n < 64; ++n) {
    if (!(c->pin_bit_mask >> n & 1)) continue;
    if (!valid(n) || (is_output(c->mode) && !can_drive(n))) return ESP_ERR_INVALID_ARG;
  }
  GpioPads& p = pads();
  std::lock_guard lk(p.mutex);
  for (int n = 0; n < GpioPads::kCount; ++n) {
    if (!(c->pin_bit_mask >> n & 1)) continue;
    GpioPad& pad = p.pads[static_cast<std::size_t>(n)];
    const int before = pad.input_level();
    apply_mode(pad, c->mode);
    pad.pull_up = c->pull_up_en == GPIO_PULLUP_ENABLE && has_pulls(n);
    pad.pull_down = c->pull_down_en == GPIO_PULLDOWN_ENABLE && has_pulls(n);
    p.changed_locked(n, before);  // as the interrupt was: ESP-IDF sets it up last
    pad.intr_type = c->intr_type;
    set_intr_enabled_locked(p, n, c->intr_type != GPIO_INTR_DISABLE);
  }
  return ESP_OK;
}

// Its interrupt disabled (a raised one forgotten); its handler stays, as ESP-IDF's does.
esp_err_t gpio_reset_pin(gpio_num_t n) {
  if (!valid(n)) return ESP_ERR_INVALID_ARG;
  GpioPads& p = pads();
  std::lock_guard lk(p.mutex);
  GpioPad& pad = p.pads[static_cast<std::size_t>(n)];
  const GpioPad old = pad;
  pad = GpioPad{};
  pad.pull_up = has_pulls(n);
  pad.driven = old.driven;  // what is wired to it stays
  pad.isr = old.isr;
  pad.isr_arg = old.isr_arg;
  set_intr_enabled_locked(p, n, false);
  return ESP_OK;
}

esp_err_t gpio_set_direction(gpio_num_t n, gpio_mode_t mode) {
  if (!known_mode(mode) || (is_output(mode) && !can_drive(n))) return ESP_ERR_INVALID_ARG;
  return with_pad(n, [mode](GpioPad& pad) {
    apply_mode(pad, mode);
    return ESP_OK;
  });
}

esp_err_t gpio_set_level(gpio_num_t n, uint32_t level) {
  if (!can_drive(n)) return ESP_ERR_INVALID_ARG;
  return with_pad(n, [level](GpioPad& pad) {
    pad.latch = level ? 1 : 0;
    return ESP_OK;
  });
}

int gpio_get_level(gpio_num_t n) {
  int level = 0;
  (void)with_pad(n, [&level](GpioPad& pad) {
    level = pad.input ? pad.level() : 0;
    return ESP_OK;
  });
  return level;
}

// Pads 34..39 have no pulls: asking for them changes nothing.
static esp_err_t set_pulls(gpio_num_t n, bool up, bool down) {
  return with_pad(n, [n, up, down](GpioPad& pad) {
    pad.pull_up = up && has_pulls(n);
    pad.pull_down = down && has_pulls(n);
    return ESP_OK;
  });
}

esp_err_t gpio_set_pull_mode(gpio_num_t n, gpio_pull_mode_t pull) {
  if (pull < GPIO_PULLUP_ONLY || pull > GPIO_FLOATING) return ESP_ERR_INVALID_ARG;
  return set_pulls(n, pull == GPIO_PULLUP_ONLY || pull == GPIO_PULLUP_PULLDOWN,
                   pull == GPIO_PULLDOWN_ONLY || pull == GPIO_PULLUP_PULLDOWN);
}

esp_err_t gpio_pullup_en(gpio_num_t n) { return set_pulls(n, true, pull_down_of(n)); }
esp_err_t gpio_pullup_dis(gpio_num_t n) { return set_pulls(n, false, pull_down_of(n)); }
esp_err_t gpio_pulldown_en(gpio_num_t n) { return set_pulls(n, pull_up_of(n), true); }
esp_err_t gpio_pulldown_dis(gpio_num_t n) { return set_pulls(n, pull_up_of(n), false); }

esp_err_t gpio_set_intr_type(gpio_num_t n, gpio_int_type_t type) {
  if (type < GPIO_INTR_DISABLE || type >= GPIO_INTR_MAX || !valid(n)) return ESP_ERR_INVALID_ARG;
  GpioPads& p = pads();
  std::lock_guard lk(p.mutex);
  p.pads[static_cast<std::size_t>(n)].intr_type = type;
  p.recheck_level_locked(n);
  return ESP_OK;
}

esp_err_t gpio_intr_enable(gpio_num_t n) { return set_intr_enabled(n, true); }
esp_err_t gpio_intr_disable(gpio_num_t n) { return set_intr_enabled(n, false); }

esp_err_t gpio_install_isr_service(int flags) {
  // esp_intr_alloc's refusals: a C handler cannot serve a high-level
  // interrupt, and a shared one must be level-triggered.
  if ((flags & ESP_INTR_FLAG_HIGH) || ((flags & ESP_INTR_FLAG_SHARED) && (flags & ESP_INTR_FLAG_EDGE)))
    return ESP_ERR_INVALID_ARG;
  espnow::emul::EmulatedChip& chip = espnow::emul::selected_chip();
  GpioPads& p = chip.state().gpio;
  std::lock_guard lk(p.mutex);
  if (p.service) {
    ESP_LOGE(kTag, "gpio_install_isr_service: GPIO isr service already installed");
    return ESP_ERR_INVALID_STATE;
  }
  p.service = std::make_unique<GpioIsrService>(&chip, chip.state().clock, p);
  if (p.pending) p.service->wake_locked();
  return ESP_OK;
}

void gpio_uninstall_isr_service(void) {
  GpioPads& p = pads();
  std::unique_ptr<GpioIsrService> service;
  {
    std::lock_guard lk(p.mutex);
    if (!p.service) return;
    if (p.service->on_task()) {
      ESP_LOGE(kTag, "gpio_uninstall_isr_service: not from a GPIO interrupt handler; the service stays");
      return;
    }
    service = std::move(p.service);
    for (GpioPad& pad : p.pads) pad.isr = nullptr, pad.isr_arg = nullptr;
  }
  service.reset();  // outside the lock: its task takes it until it ends
}

esp_err_t gpio_isr_handler_add(gpio_num_t n, gpio_isr_t isr, void* args) {
  return set_handler(n, isr, args, "gpio_isr_handler_add");
}

esp_err_t gpio_isr_handler_remove(gpio_num_t n) { return set_handler(n, nullptr, nullptr, "gpio_isr_handler_remove"); }

// An emulated pad keeps what drives it through any sleep: holding it changes nothing.
esp_err_t gpio_hold_en(gpio_num_t gpio_num) { return can_drive(gpio_num) ? ESP_OK : ESP_ERR_INVALID_ARG; }
esp_err_t gpio_hold_dis(gpio_num_t gpio_num) { return can_drive(gpio_num) ? ESP_OK : ESP_ERR_INVALID_ARG; }
void gpio_deep_sleep_hold_en(void) {}
void gpio_deep_sleep_hold_dis(void) {}

}  // extern "C"
