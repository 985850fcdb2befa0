// esp_adc/adc_oneshot.h and the line-fitting calibration on the selected
// chip: an ideal converter reading the voltage on the channel's pad.
#include "esp_adc/adc_oneshot.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <mutex>

#include "chip_state.hpp"
#include "espnow_emul.hpp"

using espnow::emul::EmulatedChip;
using espnow::emul::detail::ChipState;

struct adc_oneshot_unit_ctx_t {
  EmulatedChip* chip;
  adc_unit_t unit;
  std::array<adc_oneshot_chan_cfg_t, 10> channels{};  // attenuation 0 dB, default width until configured
};

struct adc_cali_scheme_t {
  adc_atten_t atten;
  adc_bitwidth_t bitwidth;
};

namespace {

// An ESP32's ADC pads, by unit and channel (its datasheet's table).
constexpr std::array<int, 8> kAdc1Pads{36, 37, 38, 39, 32, 33, 34, 35};
constexpr std::array<int, 10> kAdc2Pads{4, 0, 2, 15, 13, 12, 14, 27, 25, 26};

// A C caller may pass any int in an enum's place; C++ must not load it as
// the enum (a value the enum has not is undefined there), so it is read as bits.
template <class Enum>
int raw_value(const Enum& e) {
  int v = 0;
  static_assert(sizeof(Enum) == sizeof(int));
  std::memcpy(&v, &e, sizeof v);
  return v;
}

bool valid_unit(const adc_unit_t& u) { return raw_value(u) == ADC_UNIT_1 || raw_value(u) == ADC_UNIT_2; }
int channels_of(adc_unit_t u) { return u == ADC_UNIT_1 ? 8 : 10; }
bool valid_channel(adc_unit_t u, adc_channel_t c) { return c >= 0 && c < channels_of(u); }
int pad_of(adc_unit_t u, adc_channel_t c) {
  return u == ADC_UNIT_1 ? kAdc1Pads[static_cast<std::size_t>(c)] : kAdc2Pads[static_cast<std::size_t>(c)];
}
bool valid_atten(const adc_atten_t& a) { return raw_value(a) >= ADC_ATTEN_DB_0 && raw_value(a) <= ADC_ATTEN_DB_12; }
// An ESP32's SAR ADC gives 9 to 12 bits.
bool valid_bitwidth(const adc_bitwidth_t& b) {
  const int v = raw_value(b);
  return v == ADC_BITWIDTH_DEFAULT || (v >= ADC_BITWIDTH_9 && v <= ADC_BITWIDTH_12);
}
int bits_of(adc_bitwidth_t b) { return b == ADC_BITWIDTH_DEFAULT ? 12 : static_cast<int>(b); }
int max_raw(adc_bitwidth_t b) { return (1 << bits_of(b)) - 1; }

// The input, in mV, that reads as the largest raw value at each attenuation:
// the 1.1 V reference attenuated by 0, 2.5, 6 and 11 dB.
int full_scale_mv(adc_atten_t a) {
  static constexpr std::array<int, 4> kMv{1100, 1500, 2200, 3900};
  return kMv[static_cast<std::size_t>(a)];
}

int raw_of(int mv, const adc_oneshot_chan_cfg_t& c) {
  const double raw = std::round(static_cast<double>(mv) * max_raw(c.bitwidth) / full_scale_mv(c.atten));
  return static_cast<int>(std::clamp(raw, 0.0, static_cast<double>(max_raw(c.bitwidth))));
}

bool wifi_started(ChipState& s) {
  std::lock_guard lk(s.wifi_mutex);
  return s.wifi_started;
}

}  // namespace

extern "C" {

esp_err_t adc_oneshot_new_unit(const adc_oneshot_unit_init_cfg_t* init, adc_oneshot_unit_handle_t* ret) {
  if (!init || !ret || !valid_unit(init->unit_id) || raw_value(init->ulp_mode) != ADC_ULP_MODE_DISABLE)
    return ESP_ERR_INVALID_ARG;
  EmulatedChip& chip = espnow::emul::selected_chip();
  ChipState& s = chip.state();
  std::lock_guard lk(s.adc_mutex);
  bool& claimed = s.adc_claimed[init->unit_id];
  if (claimed) return ESP_ERR_NOT_FOUND;
  claimed = true;
  *ret = new adc_oneshot_unit_ctx_t{&chip, init->unit_id};
  return ESP_OK;
}

// As ESP-IDF's driver, the pad becomes analog: its digital input and
// output and its pulls off, so an unconnected channel reads 0.
esp_err_t adc_oneshot_config_channel(adc_oneshot_unit_handle_t h, adc_channel_t channel, const adc_oneshot_chan_cfg_t* config) {
  if (!h || !config || !valid_channel(h->unit, channel) || !valid_atten(config->atten) || !valid_bitwidth(config->bitwidth))
    return ESP_ERR_INVALID_ARG;
  h->channels[static_cast<std::size_t>(channel)] = *config;
  auto& gpio = h->chip->state().gpio;
  std::lock_guard lk(gpio.mutex);
  auto& pad = gpio.pads[static_cast<std::size_t>(pad_of(h->unit, channel))];
  pad.input = pad.output = pad.pull_up = pad.pull_down = false;
  return ESP_OK;
}

esp_err_t adc_oneshot_read(adc_oneshot_unit_handle_t h, adc_channel_t channel, int* out_raw) {
  if (!h || !out_raw || !valid_channel(h->unit, channel)) return ESP_ERR_INVALID_ARG;
  ChipState& s = h->chip->state();
  if (h->unit == ADC_UNIT_2 && wifi_started(s)) return ESP_ERR_TIMEOUT;  // the Wi-Fi holds ADC2
  int mv = 0;
  {
    std::lock_guard lk(s.gpio.mutex);
    mv = s.gpio.pads[static_cast<std::size_t>(pad_of(h->unit, channel))].millivolts();
  }
  *out_raw = raw_of(mv, h->channels[static_cast<std::size_t>(channel)]);
  return ESP_OK;
}

esp_err_t adc_oneshot_del_unit(adc_oneshot_unit_handle_t h) {
  if (!h) return ESP_ERR_INVALID_ARG;
  ChipState& s = h->chip->state();
  {
    std::lock_guard lk(s.adc_mutex);
    s.adc_claimed[h->unit] = false;
  }
  delete h;
  return ESP_OK;
}

esp_err_t adc_oneshot_io_to_channel(int io_num, adc_unit_t* const unit_id, adc_channel_t* const channel) {
  if (!unit_id || !channel) return ESP_ERR_INVALID_ARG;
  for (const adc_unit_t u : {ADC_UNIT_1, ADC_UNIT_2})
    for (int c = 0; c < channels_of(u); ++c)
      if (pad_of(u, static_cast<adc_channel_t>(c)) == io_num) {
        *unit_id = u;
        *channel = static_cast<adc_channel_t>(c);
        return ESP_OK;
      }
  return ESP_ERR_INVALID_ARG;
}

esp_err_t adc_oneshot_channel_to_io(adc_unit_t unit_id, adc_channel_t channel, int* const io_num) {
  if (!io_num || !valid_unit(unit_id) || !valid_channel(unit_id, channel)) return ESP_ERR_INVALID_ARG;
  *io_num = pad_of(unit_id, channel);
  return ESP_OK;
}

esp_err_t adc_oneshot_get_calibrated_result(adc_oneshot_unit_handle_t h, adc_cali_handle_t cali, adc_channel_t chan,
                                            int* cali_result) {
  if (!cali || !cali_result) return ESP_ERR_INVALID_ARG;
  int raw = 0;
  if (const esp_err_t e = adc_oneshot_read(h, chan, &raw); e != ESP_OK) return e;
  return adc_cali_raw_to_voltage(cali, raw, cali_result);
}

esp_err_t adc_cali_check_scheme(adc_cali_scheme_ver_t* scheme_mask) {
  if (!scheme_mask) return ESP_ERR_INVALID_ARG;
  *scheme_mask = ADC_CALI_SCHEME_VER_LINE_FITTING;
  return ESP_OK;
}

esp_err_t adc_cali_create_scheme_line_fitting(const adc_cali_line_fitting_config_t* config, adc_cali_handle_t* ret) {
  if (!config || !ret || !valid_unit(config->unit_id) || !valid_atten(config->atten) || !valid_bitwidth(config->bitwidth))
    return ESP_ERR_INVALID_ARG;
  *ret = new adc_cali_scheme_t{config->atten, config->bitwidth};
  return ESP_OK;
}

esp_err_t adc_cali_delete_scheme_line_fitting(adc_cali_handle_t handle) {
  if (!handle) return ESP_ERR_INVALID_ARG;
  delete handle;
  return ESP_OK;
}

esp_err_t adc_cali_scheme_line_fitting_check_efuse(adc_cali_line_fitting_efuse_val_t* cali_val) {
  if (!cali_val) return ESP_ERR_INVALID_ARG;
  *cali_val = ADC_CALI_LINE_FITTING_EFUSE_VAL_EFUSE_VREF;
  return ESP_OK;
}

esp_err_t adc_cali_raw_to_voltage(adc_cali_handle_t handle, int raw, int* voltage) {
  if (!handle || !voltage || raw < 0) return ESP_ERR_INVALID_ARG;
  *voltage = static_cast<int>(std::lround(static_cast<double>(raw) * full_scale_mv(handle->atten) / max_raw(handle->bitwidth)));
  return ESP_OK;
}

}  // extern "C"
