// A chip of --sim through its reboots. When its firmware calls esp_restart,
// sleeps deep or panics (a failed ESP_ERROR_CHECK), the chip runs nothing more: its tasks end, its radio leaves
// the air, its copy of the firmware goes. At once (a restart) or when its
// timer wakes it (a deep sleep), a new chip boots in its place, with the
// same MAC, place, channel and crystal, a fresh copy of the firmware (its
// globals as the image has them), and what an ESP32 keeps through a reset:
// its RTC memory (RTC_NOINIT_ATTR always, RTC_DATA_ATTR after a deep sleep),
// its RTC's time of day and its NVS. It reaches app_main as long after the
// reset as its first boot did after power-on, and at least 1 ms after it (a
// firmware that restarts at once still lets time go on). A deep sleep with
// no wake-up source, or a firmware linked into the program (every chip
// shares its globals, so none can start afresh), leaves the chip off for
// the rest of the run.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "espnow/common/drifting_clock.hpp"
#include "espnow_emul_simulation.hpp"
#include "firmware_copies.hpp"

namespace espnow::emul {

class SimChipPower {
 public:
  // What a chip is made with at power-on. `module` gives each boot its copy
  // of the firmware; when it has no module, `app_main` is the program's own.
  struct Board {
    ChipOptions options;  // its on_restart, on_deep_sleep and clock are this object's
    AppMain app_main = nullptr;
    double drift_ppm = 0.0;
    std::chrono::nanoseconds boot_delay{};
  };

  // Powers the chip on: kept by `sim` to its end. The reason of a failure in
  // `error`: a copy that does not load, a chip the air refuses.
  static SimChipPower* power_on(Simulation& sim, FirmwareCopies& module, Board board, std::string& error);

  ~SimChipPower();
  SimChipPower(const SimChipPower&) = delete;
  SimChipPower& operator=(const SimChipPower&) = delete;

  // A pad driven from outside (EmulatedChip::set_gpio_input and
  // set_analog_input): a button or a sensor stays wired through the reboots.
  void set_gpio_input(int pad, std::optional<int> level);
  void set_analog_input(int pad, std::optional<int> millivolts);

 private:
  SimChipPower(Simulation& sim, FirmwareCopies& module, Board board);

  enum class Reset { restart, deep_sleep, panic };
  // What a reset leaves of a chip for the next boot.
  struct Kept {
    int reset_reason = 1;  // ESP_RST_POWERON
    int wakeup_cause = 0;  // ESP_SLEEP_WAKEUP_UNDEFINED
    std::string rtc_noinit, rtc_data;  // the old copy's sections (rtc_data only after a deep sleep)
    std::string nvs;  // NvsPartition::text of an NVS in memory
    std::optional<std::int64_t> time_of_day_offset_ns;  // the RTC's time (ChipServices), on through the reset
  };
  bool boot(const Kept& kept, std::string& error);
  // On the chip's task that restarts, sleeps deep or panics: the reboot goes
  // on in a program of its own once that task has ended.
  void power_down(Reset reset, std::optional<std::uint64_t> sleep_us);
  void reboot(Reset reset, std::optional<std::uint64_t> sleep_us);

  Simulation& sim_;
  FirmwareCopies& module_;
  Board board_;
  std::shared_ptr<DriftingClock> crystal_;  // with a drift: outlives every boot's chip
  std::shared_ptr<EmulatedChip> chip_;
  void* copy_ = nullptr;  // the running copy's handle (null: the program's firmware)
  std::map<int, std::optional<int>> levels_, millivolts_;  // the pads driven from outside
};

}  // namespace espnow::emul
