// A chip of --sim through its reboots (sim_chip_power.hpp).
#include "sim_chip_power.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <functional>
#include <utility>

#include "chip_state.hpp"
#include "esp_sleep.h"
#include "esp_system.h"
#include "freertos_kernel.hpp"
#include "nvs_partition.hpp"
#include "sim_chip.hpp"

namespace espnow::emul {
namespace {

constexpr std::chrono::nanoseconds kShortestReboot = std::chrono::milliseconds(1);

// A copy's RTC sections, as espnow_add_firmware bounds them in every module
// (espnow_firmware_rtc_sections: data's begin and end, then noinit's).
struct RtcSection {
  char* begin = nullptr;
  char* end = nullptr;
  std::size_t size() const { return begin && end > begin ? static_cast<std::size_t>(end - begin) : 0; }
};

RtcSection rtc_section(void* copy, bool noinit) {
  const auto* bounds = copy ? static_cast<char* const*>(dlsym(copy, "espnow_firmware_rtc_sections")) : nullptr;
  if (bounds == nullptr) return {};
  return noinit ? RtcSection{bounds[2], bounds[3]} : RtcSection{bounds[0], bounds[1]};
}

std::string read_section(void* copy, bool noinit) {
  const RtcSection s = rtc_section(copy, noinit);
  return std::string(s.begin, s.size());
}

void write_section(void* copy, bool noinit, const std::string& bytes) {
  const RtcSection s = rtc_section(copy, noinit);
  if (!bytes.empty() && bytes.size() == s.size()) std::memcpy(s.begin, bytes.data(), bytes.size());
}

// Firmware linked into the program: its chips share its globals, so none
// can boot afresh. The chip says so on its own output and stays as it went
// while the others run on.
[[noreturn]] void stay_off(const char* call, const char* state) {
  std::printf("%s: --sim boots a chip again only with a copy of the firmware of its own (build it with "
              "espnow_add_firmware); this one stays %s for the rest of the run\n",
              call, state);
  for (;;) vTaskDelay(portMAX_DELAY);  // on the simulation's clock: its end unwinds it
}

}  // namespace

SimChipPower* SimChipPower::power_on(Simulation& sim, FirmwareCopies& module, Board board, std::string& error) {
  std::shared_ptr<SimChipPower> power(new SimChipPower(sim, module, std::move(board)));
  if (!power->boot(Kept{}, error)) return nullptr;
  sim.keep(power);
  return power.get();
}

SimChipPower::SimChipPower(Simulation& sim, FirmwareCopies& module, Board board)
    : sim_(sim), module_(module), board_(std::move(board)) {
  board_.options.clock = &sim.clock();
  if (board_.drift_ppm != 0.0) {
    crystal_ = std::make_shared<DriftingClock>(sim.clock(), board_.drift_ppm);
    board_.options.clock = crystal_.get();
  }
  if (module_.path().empty()) {
    board_.options.on_restart = [] { stay_off("esp_restart", "off"); };
    board_.options.on_deep_sleep = [](std::optional<std::uint64_t>) { stay_off("esp_deep_sleep_start", "asleep"); };
    board_.options.on_panic = [] { stay_off("abort", "off"); };
  } else {
    board_.options.on_restart = [this] { power_down(Reset::restart, std::nullopt); };
    board_.options.on_deep_sleep = [this](std::optional<std::uint64_t> us) { power_down(Reset::deep_sleep, us); };
    board_.options.on_panic = [this] { power_down(Reset::panic, std::nullopt); };
  }
}

// The chip goes before the crystal its threads wait on. Its copy of the
// firmware stays loaded: the process ends after the run, and the copy's C++
// destructors have nothing to do there.
SimChipPower::~SimChipPower() { chip_.reset(); }

bool SimChipPower::boot(const Kept& kept, std::string& error) {
  AppMain entry = board_.app_main;
  if (!module_.path().empty()) {
    entry = module_.load(error, &copy_);
    if (entry == nullptr) return false;
    write_section(copy_, true, kept.rtc_noinit);
    write_section(copy_, false, kept.rtc_data);
  }
  ChipOptions options = board_.options;
  options.reset_reason = kept.reset_reason;
  options.wakeup_cause = kept.wakeup_cause;
  // A reboot never reaches app_main in the instant of its reset, or a
  // firmware that restarts at once would hold virtual time still for ever.
  const bool power_on = kept.reset_reason == ESP_RST_POWERON;
  const auto boot_delay = power_on ? board_.boot_delay : std::max(board_.boot_delay, kShortestReboot);
  auto made = make_sim_chip(sim_, std::move(options), entry, boot_delay);
  if (!made.ok()) {
    error = made.failure().message();
    return false;
  }
  chip_ = std::move(made).value();
  adopt_firmware_hooks(*chip_, entry);
  // Before its main task first runs: this is the program that holds the baton.
  if (!kept.nvs.empty()) chip_->state().services.nvs().take_text(kept.nvs);
  if (kept.time_of_day_offset_ns) chip_->state().services.time_of_day_offset_ns = *kept.time_of_day_offset_ns;
  for (const auto& [pad, level] : levels_) chip_->set_gpio_input(pad, level);
  for (const auto& [pad, mv] : millivolts_) chip_->set_analog_input(pad, mv);
  return true;
}

void SimChipPower::set_gpio_input(int pad, std::optional<int> level) {
  levels_[pad] = level;
  if (chip_) chip_->set_gpio_input(pad, level);
}

void SimChipPower::set_analog_input(int pad, std::optional<int> millivolts) {
  millivolts_[pad] = millivolts;
  if (chip_) chip_->set_analog_input(pad, millivolts);
}

void SimChipPower::power_down(Reset reset, std::optional<std::uint64_t> sleep_us) {
  std::function<void()> body = [this, reset, sleep_us] { reboot(reset, sleep_us); };
  // Refused only while the simulation ends: then nothing boots again anyway.
  (void)sim_.clock().start_thread("reset", body);
}

void SimChipPower::reboot(Reset reset, std::optional<std::uint64_t> sleep_us) {
  rtos::end_tasks_of(*chip_);
  const bool deep_sleep = reset == Reset::deep_sleep;
  const Kept kept{.reset_reason = deep_sleep ? ESP_RST_DEEPSLEEP : reset == Reset::panic ? ESP_RST_PANIC : ESP_RST_SW,
                  .wakeup_cause = deep_sleep ? ESP_SLEEP_WAKEUP_TIMER : ESP_SLEEP_WAKEUP_UNDEFINED,
                  .rtc_noinit = read_section(copy_, true),
                  .rtc_data = deep_sleep ? read_section(copy_, false) : std::string(),
                  .nvs = chip_->state().services.nvs_memory_text(),
                  .time_of_day_offset_ns = chip_->state().services.time_of_day_offset_ns.load()};
  chip_.reset();  // its threads end here, on the simulation's clock
  module_.unload(std::exchange(copy_, nullptr));
  if (deep_sleep && !sleep_us) return;  // no wake-up source: off for the rest of the run
  Clock& clock = *board_.options.clock;
  if (sleep_us) clock.sleep_until(clock.now() + std::chrono::microseconds(*sleep_us));
  if (std::string error; !boot(kept, error))
    std::fprintf(stderr, "%s: cannot boot again: %s\n", to_string(board_.options.radio.mac).c_str(), error.c_str());
}

}  // namespace espnow::emul
