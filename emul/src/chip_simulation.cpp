// add_chip: an emulated chip as a device of a Simulation.
#include "espnow_emul_simulation.hpp"
#include "sim_chip.hpp"

#include <chrono>
#include <memory>

#include "chip_thread.hpp"
#include "esp_log.h"
#include "espnow/common/drifting_clock.hpp"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"
#include "freertos_kernel.hpp"

namespace espnow::emul {
namespace {

using AppMain = void (*)(void);

struct MainTask {
  AppMain app_main;
  std::chrono::nanoseconds boot_delay;
};

// ESP-IDF's main task, as app_main_startup.cpp's, after the chip's boot.
void main_task(void* arg) {
  const MainTask m = *static_cast<MainTask*>(arg);
  delete static_cast<MainTask*>(arg);
  if (m.boot_delay.count() > 0) rtos::delay_until(detail::current_clock().now() + m.boot_delay);
  ESP_LOGI("main_task", "Calling app_main()");
  m.app_main();
  ESP_LOGI("main_task", "Returned from app_main()");
  vTaskDelete(nullptr);
}

}  // namespace

Result<std::shared_ptr<EmulatedChip>> make_sim_chip(Simulation& sim, ChipOptions options, AppMain app_main,
                                                   std::chrono::nanoseconds boot_delay) {
  if (options.clock == nullptr) options.clock = &sim.clock();
  // Its SoftLink's random numbers (the frames' random field) from the
  // simulation's seed and the chip's MAC, as a device's are from its index.
  if (options.link.seed == 0) {
    std::uint64_t seed = sim.air().options().seed * 0x9E3779B97F4A7C15ull;
    for (const std::uint8_t b : options.radio.mac.bytes) seed = (seed ^ b) * 0x100000001b3ull;
    options.link.seed = seed | 1;
  }
  auto made = EmulatedChip::create(sim.air(), options);
  if (!made.ok()) return made.failure();
  std::shared_ptr<EmulatedChip> chip = std::move(made.value());
  if (app_main) {
    ScopedChip use(chip.get());
    // Priority 1, CONFIG_ESP_MAIN_TASK_STACK_SIZE: as on the chip.
    auto* task = new MainTask{app_main, boot_delay};
    if (xTaskCreatePinnedToCore(main_task, "main", 3584, task, 1, nullptr, 0) != pdPASS) {
      delete task;
      return Error(errc::no_mem, "cannot start the main task");
    }
  }
  return chip;
}

Result<EmulatedChip*> add_chip(Simulation& sim, ChipOptions options, AppMain app_main, double clock_drift_ppm,
                               std::chrono::nanoseconds boot_delay) {
  options.clock = &sim.clock();
  if (clock_drift_ppm != 0.0) {
    // Kept before the chip, so it outlives the chip's tasks (newest first).
    auto crystal = std::make_shared<DriftingClock>(sim.clock(), clock_drift_ppm);
    options.clock = crystal.get();
    sim.keep(crystal);
  }
  auto chip = make_sim_chip(sim, std::move(options), app_main, boot_delay);
  if (!chip.ok()) return chip.failure();
  sim.keep(*chip);
  return chip->get();
}

}  // namespace espnow::emul
