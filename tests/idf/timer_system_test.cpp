// esp_timer and esp_system on emulated chips: every call's errors from C
// (timer_system_program.c), callbacks on each chip's own esp_timer task with
// that chip selected, each chip's clock from its own boot, the reset reason,
// and esp_restart through ChipOptions::on_restart (the process's default
// chip re-executes instead: tests/CMakeLists.txt's idf.app_main_*).
#include <gtest/gtest.h>

#include <atomic>
#include <string>

#include "esp_system.h"
#include "esp_timer.h"
#include "espnow/radio/sim_air.hpp"
#include "espnow_emul.hpp"
#include "freertos/semphr.h"
#include "freertos/task.h"
#include "support/wait_for.hpp"
#include "support/emulated_chip.hpp"
#include "timer_system_program.h"

using espnow::MacAddress;
using espnow::SimAir;
using espnow::emul::ChipOptions;
using espnow::emul::EmulatedChip;
using espnow::emul::ScopedChip;

namespace {

std::unique_ptr<EmulatedChip> make_chip(SimAir& air, std::uint8_t last, ChipOptions options = {}) {
  return espnow::test::make_chip(air, MacAddress{{0x02, 0, 0, 0, 0, last}}, std::move(options));
}

struct Seen {
  std::atomic<EmulatedChip*> chip{nullptr};
  std::string task;  // pcTaskGetName(NULL) in the callback, and its priority
  UBaseType_t priority = 0;
  SemaphoreHandle_t fired = xSemaphoreCreateBinary();
  ~Seen() { vSemaphoreDelete(fired); }
};

void record_chip(void* arg) {
  auto* seen = static_cast<Seen*>(arg);
  seen->chip = espnow::emul::selected_chip_or_null();
  seen->task = pcTaskGetName(nullptr);
  seen->priority = uxTaskPriorityGet(nullptr);
  xSemaphoreGive(seen->fired);
}

}  // namespace

TEST(EspTimer, EveryCallItsErrorsAndFiringFromC) {
  SimAir air;
  auto chip = make_chip(air, 1);
  ScopedChip use(chip.get());
  EXPECT_EQ(timer_program_errors_and_firing(), 0) << "the check on this line of timer_system_program.c failed";
}

TEST(EspTimer, ACallbackMayStopAndDeleteItsOwnTimer) {
  SimAir air;
  auto chip = make_chip(air, 1);
  ScopedChip use(chip.get());
  EXPECT_EQ(timer_program_callback_deletes_itself(), 0) << "the check on this line of timer_system_program.c failed";
}

TEST(EspTimer, EachChipsCallbacksRunWithThatChipSelected) {
  SimAir air;
  auto a = make_chip(air, 1), b = make_chip(air, 2);
  Seen seen_a, seen_b;
  esp_timer_handle_t ta = nullptr, tb = nullptr;
  {
    ScopedChip use(a.get());
    const esp_timer_create_args_t args{
        .callback = record_chip, .arg = &seen_a, .dispatch_method = ESP_TIMER_TASK, .name = "a", .skip_unhandled_events = false};
    ASSERT_EQ(esp_timer_create(&args, &ta), ESP_OK);
  }
  {
    ScopedChip use(b.get());
    const esp_timer_create_args_t args{
        .callback = record_chip, .arg = &seen_b, .dispatch_method = ESP_TIMER_TASK, .name = "b", .skip_unhandled_events = false};
    ASSERT_EQ(esp_timer_create(&args, &tb), ESP_OK);
  }
  // Started from a thread with no chip: a timer belongs to the chip it was made on.
  ASSERT_EQ(esp_timer_start_once(ta, 1000), ESP_OK);
  ASSERT_EQ(esp_timer_start_once(tb, 1000), ESP_OK);
  ASSERT_EQ(xSemaphoreTake(seen_a.fired, pdMS_TO_TICKS(5000)), pdTRUE);
  ASSERT_EQ(xSemaphoreTake(seen_b.fired, pdMS_TO_TICKS(5000)), pdTRUE);
  EXPECT_EQ(seen_a.chip.load(), a.get());
  EXPECT_EQ(seen_b.chip.load(), b.get());
  // On the esp_timer task, as ESP-IDF names it and ranks it.
  EXPECT_EQ(seen_a.task, "esp_timer");
  EXPECT_EQ(seen_a.priority, 22u);
  EXPECT_EQ(esp_timer_delete(ta), ESP_OK);
  EXPECT_EQ(esp_timer_delete(tb), ESP_OK);
}

TEST(EspTimer, EachChipsTimeCountsFromItsOwnBoot) {
  SimAir air;
  auto a = make_chip(air, 1);
  int64_t a_before = 0;
  {
    ScopedChip use(a.get());
    a_before = esp_timer_get_time();
  }
  auto b = make_chip(air, 2);  // booted at least a_before after a
  int64_t b_now = 0, a_now = 0;
  {
    ScopedChip use(b.get());
    b_now = esp_timer_get_time();
  }
  {
    ScopedChip use(a.get());
    a_now = esp_timer_get_time();
  }
  EXPECT_GE(a_before, 0);
  EXPECT_LE(b_now, a_now - a_before);
}

TEST(EspTimer, ATimerOutlivingItsChipStaysUsable) {
  SimAir air;
  auto chip = make_chip(air, 1);
  Seen seen;
  esp_timer_handle_t t = nullptr;
  {
    ScopedChip use(chip.get());
    const esp_timer_create_args_t args{
        .callback = record_chip, .arg = &seen, .dispatch_method = ESP_TIMER_TASK, .name = "late", .skip_unhandled_events = false};
    ASSERT_EQ(esp_timer_create(&args, &t), ESP_OK);
    ASSERT_EQ(esp_timer_start_periodic(t, 60 * 1000000ull), ESP_OK);
  }
  chip.reset();  // its esp_timer task ends; the timer never fires
  EXPECT_TRUE(esp_timer_is_active(t));
  EXPECT_EQ(esp_timer_stop(t), ESP_OK);
  EXPECT_EQ(esp_timer_delete(t), ESP_OK);
}

TEST(EspSystem, HandlerSlotsHeapAndResetReasonFromC) {
  SimAir air;
  auto fresh = make_chip(air, 1);
  auto restarted = make_chip(air, 2, {.reset_reason = ESP_RST_SW});
  {
    ScopedChip use(fresh.get());
    EXPECT_EQ(system_program_handlers_heap_reason(ESP_RST_POWERON), 0) << "line of timer_system_program.c";
  }
  ScopedChip use(restarted.get());
  EXPECT_EQ(system_program_handlers_heap_reason(ESP_RST_SW), 0) << "line of timer_system_program.c";
}

namespace {
struct RestartProbe {
  int shutdown_ran = 0;
  SemaphoreHandle_t restarted = xSemaphoreCreateBinary();
  ~RestartProbe() { vSemaphoreDelete(restarted); }
};
}  // namespace

TEST(EspSystem, RestartRunsTheShutdownHandlersThenOnRestartAndNeverReturns) {
  SimAir air;
  RestartProbe probe;
  auto chip = make_chip(air, 1, {.on_restart = [&probe] { xSemaphoreGive(probe.restarted); }});
  TaskHandle_t task = nullptr;
  {
    ScopedChip use(chip.get());  // the task is the chip's
    ASSERT_EQ(xTaskCreate(system_program_restart, "restarter", 4096, &probe.shutdown_ran, 1, &task), pdPASS);
  }
  ASSERT_EQ(xSemaphoreTake(probe.restarted, pdMS_TO_TICKS(5000)), pdTRUE);
  EXPECT_EQ(probe.shutdown_ran, 1);
  EXPECT_TRUE(espnow::test::wait_for([&] { return eTaskGetState(task) == eDeleted; }))
      << "esp_restart returned to its caller";
}

TEST(EspSystemDeathTest, RestartOnAChipWithoutOnRestartStopsTheProgram) {
  SimAir air;
  auto chip = make_chip(air, 1);
  EXPECT_DEATH(
      {
        ScopedChip use(chip.get());
        esp_restart();
      },
      "esp_restart: this chip was made by the program without ChipOptions::on_restart");
}
