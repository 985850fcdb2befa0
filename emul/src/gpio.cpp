// driver/gpio.h on the selected chip's pads (gpio_pads.hpp), with ESP-IDF's
// errors.
#include "driver/gpio.h"

#include <mutex>

#include "chip_state.hpp"
#include "espnow_emul.hpp"

using espnow::emul::detail::GpioPad;
using espnow::emul::detail::GpioPads;

namespace {

GpioPads& pads() { return espnow::emul::selected_chip().state().gpio; }

bool valid(int n) { return GPIO_IS_VALID_GPIO(n); }
bool can_drive(int n) { return GPIO_IS_VALID_OUTPUT_GPIO(n); }
bool has_pulls(int n) { return n < GpioPads::kFirstWithoutPulls; }

bool is_output(gpio_mode_t mode) { return (mode & GPIO_MODE_OUTPUT) != 0; }

// `fn(pad)` on pad `n` under the pads' lock, once `n` is a valid pad.
template <class Fn>
esp_err_t with_pad(int n, Fn fn) {
  if (!valid(n)) return ESP_ERR_INVALID_ARG;
  GpioPads& p = pads();
  std::lock_guard lk(p.mutex);
  return fn(p.pads[static_cast<std::size_t>(n)]);
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
    apply_mode(pad, c->mode);
    pad.pull_up = c->pull_up_en == GPIO_PULLUP_ENABLE && has_pulls(n);
    pad.pull_down = c->pull_down_en == GPIO_PULLDOWN_ENABLE && has_pulls(n);
    pad.intr_type = c->intr_type;
  }
  return ESP_OK;
}

esp_err_t gpio_reset_pin(gpio_num_t n) {
  return with_pad(n, [n](GpioPad& pad) {
    const auto driven = pad.driven;
    pad = GpioPad{};
    pad.pull_up = has_pulls(n);
    pad.driven = driven;  // what is wired to it stays
    return ESP_OK;
  });
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
  if (type < GPIO_INTR_DISABLE || type >= GPIO_INTR_MAX) return ESP_ERR_INVALID_ARG;
  return with_pad(n, [type](GpioPad& pad) {
    pad.intr_type = type;
    return ESP_OK;
  });
}

}  // extern "C"
