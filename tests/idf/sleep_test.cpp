// esp_sleep and esp_wifi_connectionless_module_set_wake_interval on
// emulated chips: every call's errors from C (sleep_program.c), a light
// sleep taking its time on the chip's clocks, a light sleeper's radio off
// (a unicast to it is not acknowledged) and its esp_timer held until it
// wakes, deep sleep through ChipOptions::on_deep_sleep (the process's
// default chip re-executes instead: tests/CMakeLists.txt's idf.deep_sleep_*).
// Sleeps are on the host's clock, so they are kept short; times are checked
// from below only.
#include <gtest/gtest.h>

#include <optional>

#include "esp_now.h"
#include "esp_sleep.h"
#include "esp_system.h"
#include "espnow/radio/sim_air.hpp"
#include "espnow_emul.hpp"
#include "freertos/semphr.h"
#include "freertos/task.h"
#include "sleep_program.h"
#include "support/emulated_chip.hpp"
#include "support/wait_for.hpp"

using espnow::Interface;
using espnow::MacAddress;
using espnow::SimAir;
using espnow::emul::ChipOptions;
using espnow::emul::EmulatedChip;
using espnow::emul::ScopedChip;
using espnow::test::make_chip;

namespace {

constexpr MacAddress kSleeper{{0x02, 0, 0, 0, 0, 0x0a}};
constexpr MacAddress kSender{{0x02, 0, 0, 0, 0, 0x0b}};

struct Counts {
  int received = 0, sent_ok = 0, sent_fail = 0;
  int reports() const { return sent_ok + sent_fail; }
};

Counts counts() {
  Counts c;
  sleep_program_counts(&c.received, &c.sent_ok, &c.sent_fail);
  return c;
}

// Sends from `chip` and waits for its report.
Counts send_and_wait(EmulatedChip& chip, MacAddress to) {
  const Counts before = counts();
  {
    ScopedChip use(&chip);
    EXPECT_EQ(sleep_program_send(to.bytes.data()), 0);
  }
  EXPECT_TRUE(espnow::test::wait_for([&] { return counts().reports() > before.reports(); }));
  Counts now = counts();
  now.received -= before.received;
  now.sent_ok -= before.sent_ok;
  now.sent_fail -= before.sent_fail;
  return now;
}

}  // namespace

TEST(EspSleep, EveryCallsErrorsFromC) {
  SimAir air;
  auto chip = make_chip(air, kSleeper);
  ScopedChip use(chip.get());
  EXPECT_EQ(sleep_program_errors(), 0) << "the check on this line of sleep_program.c failed";
}

TEST(EspSleep, ALightSleepTakesItsTimeOnEsptimerAndTicksAndTheTimerWakesIt) {
  SimAir air;
  auto chip = make_chip(air, kSleeper);
  ScopedChip use(chip.get());
  EXPECT_EQ(sleep_program_light_sleep(30 * 1000), 0) << "the check on this line of sleep_program.c failed";
}

TEST(EspWifi, ConnectionlessWakeIntervalTakesEveryValueOnceWifiIsInitialised) {
  SimAir air;
  auto chip = make_chip(air, kSleeper);
  ScopedChip use(chip.get());
  EXPECT_EQ(sleep_program_wake_interval(), 0) << "the check on this line of sleep_program.c failed";
}

TEST(EspSleep, ALightSleeperHearsNothingAndFiresNoTimerUntilItWakes) {
  SimAir air;
  auto sleeper = make_chip(air, kSleeper), sender = make_chip(air, kSender);
  {
    ScopedChip use(sleeper.get());
    ASSERT_EQ(sleep_program_start_espnow(kSender.bytes.data()), 0);
  }
  {
    ScopedChip use(sender.get());
    ASSERT_EQ(sleep_program_start_espnow(kSleeper.bytes.data()), 0);
  }
  ASSERT_EQ(send_and_wait(*sender, kSleeper).sent_ok, 1) << "awake, the sleeper acknowledges";

  // 3 s: the unicast below is sent, and fails, within milliseconds; the
  // margin is for a loaded host (the sleep is on the host's clock).
  constexpr std::uint64_t kSleepUs = 3 * 1000 * 1000;
  sleep_program_sleeper_t s{};
  s.sleep_us = kSleepUs;
  s.done = xSemaphoreCreateBinary();
  {
    ScopedChip use(sleeper.get());  // the task is the sleeper's
    ASSERT_EQ(xTaskCreate(sleep_program_sleeper_task, "sleeper", 4096, &s, 1, nullptr), pdPASS);
  }
  ASSERT_TRUE(espnow::test::wait_for([&] { return !sleeper->radio().interface_active(Interface::sta); }));
  const Counts asleep = send_and_wait(*sender, kSleeper);
  esp_err_t own_send = ESP_OK;
  {
    ScopedChip use(sleeper.get());  // as one of its other tasks, which keep running on the host
    own_send = esp_now_send(kSender.bytes.data(), reinterpret_cast<const uint8_t*>("zz"), 2);
  }
  ASSERT_FALSE(sleeper->radio().interface_active(Interface::sta)) << "the host was too slow: the sleeper woke first";
  EXPECT_EQ(own_send, ESP_ERR_ESPNOW_IF) << "the sleeper's interface is off";
  EXPECT_EQ(asleep.sent_fail, 1) << "a sleeping chip does not acknowledge";
  EXPECT_EQ(asleep.received, 0);

  ASSERT_EQ(xSemaphoreTake(static_cast<SemaphoreHandle_t>(s.done), pdMS_TO_TICKS(10000)), pdTRUE);
  vSemaphoreDelete(static_cast<SemaphoreHandle_t>(s.done));
  EXPECT_EQ(s.result, ESP_OK);
  EXPECT_GE(s.slept_until - s.slept_from, static_cast<std::int64_t>(kSleepUs));
  EXPECT_GE(s.timer_fired_at, s.slept_from + static_cast<std::int64_t>(kSleepUs))
      << "an esp_timer due during the sleep fires after it";
  EXPECT_TRUE(sleeper->radio().interface_active(Interface::sta));
  const int heard = counts().received;
  EXPECT_EQ(send_and_wait(*sender, kSleeper).sent_ok, 1);
  EXPECT_TRUE(espnow::test::wait_for([&] { return counts().received > heard; })) << "awake again, it hears";
}

namespace {
struct DeepSleepProbe {
  std::optional<std::uint64_t> slept_for;
  SemaphoreHandle_t asleep = xSemaphoreCreateBinary();
  ~DeepSleepProbe() { vSemaphoreDelete(asleep); }
};

void deep_sleep_and_check(SimAir& air, const std::uint64_t* sleep_us) {
  DeepSleepProbe probe;
  auto chip = make_chip(air, kSleeper, {.on_deep_sleep = [&probe](std::optional<std::uint64_t> us) {
                                          probe.slept_for = us;
                                          xSemaphoreGive(probe.asleep);
                                        }});
  const int hooks_before = sleep_program_hook_runs();
  TaskHandle_t task = nullptr;
  {
    ScopedChip use(chip.get());
    ASSERT_EQ(sleep_program_start_espnow(kSender.bytes.data()), 0);
    ASSERT_TRUE(chip->radio().interface_active(Interface::sta));
    ASSERT_EQ(xTaskCreate(sleep_program_deep_sleeper_task, "deep", 4096, const_cast<std::uint64_t*>(sleep_us), 1,
                          &task),
              pdPASS);
  }
  ASSERT_EQ(xSemaphoreTake(probe.asleep, pdMS_TO_TICKS(5000)), pdTRUE);
  EXPECT_EQ(sleep_program_hook_runs(), hooks_before + 1) << "the deep-sleep hook ran first";
  EXPECT_EQ(probe.slept_for, sleep_us ? std::optional(*sleep_us) : std::nullopt);
  EXPECT_FALSE(chip->radio().interface_active(Interface::sta)) << "a chip in deep sleep is off the air";
  EXPECT_TRUE(espnow::test::wait_for([&] { return eTaskGetState(task) == eDeleted; }))
      << "esp_deep_sleep returned to its caller";
}
}  // namespace

TEST(EspSleep, DeepSleepRunsTheHooksTurnsTheRadioOffAndCallsOnDeepSleepWithTheTime) {
  SimAir air;
  const std::uint64_t us = 5000;
  deep_sleep_and_check(air, &us);
}

TEST(EspSleep, DeepSleepWithoutAWakeupSourceIsForever) {
  SimAir air;
  deep_sleep_and_check(air, nullptr);
}

TEST(EspSleep, AChipMadeAgainAfterADeepSleepSaysTheTimerWokeIt) {
  SimAir air;
  auto fresh = make_chip(air, kSender);
  auto woken = make_chip(air, kSleeper, {.reset_reason = ESP_RST_DEEPSLEEP, .wakeup_cause = ESP_SLEEP_WAKEUP_TIMER});
  {
    ScopedChip use(fresh.get());
    EXPECT_EQ(esp_reset_reason(), ESP_RST_POWERON);
    EXPECT_EQ(esp_sleep_get_wakeup_cause(), ESP_SLEEP_WAKEUP_UNDEFINED);
  }
  ScopedChip use(woken.get());
  EXPECT_EQ(esp_reset_reason(), ESP_RST_DEEPSLEEP);
  EXPECT_EQ(esp_sleep_get_wakeup_cause(), ESP_SLEEP_WAKEUP_TIMER);
  // A refused light sleep does not change what woke the chip from deep sleep.
  ASSERT_EQ(esp_sleep_enable_timer_wakeup(100), ESP_OK);
  EXPECT_EQ(esp_light_sleep_start(), ESP_ERR_SLEEP_TOO_SHORT_SLEEP_DURATION);
  EXPECT_EQ(esp_sleep_get_wakeup_cause(), ESP_SLEEP_WAKEUP_TIMER);
}

TEST(EspSleepDeathTest, DeepSleepOnAChipWithoutOnDeepSleepStopsTheProgram) {
  SimAir air;
  auto chip = make_chip(air, kSleeper);
  EXPECT_DEATH(
      {
        ScopedChip use(chip.get());
        esp_deep_sleep(1000);
      },
      "esp_deep_sleep_start: this chip was made by the program without ChipOptions::on_deep_sleep");
}
