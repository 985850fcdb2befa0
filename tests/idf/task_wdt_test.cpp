// The Task Watchdog Timer (esp_task_wdt.h, task_wdt_program.c) on a chip of
// a Simulation: a subscriber that stops resetting it is named a timeout
// after the last feed, at exact virtual times, again each timeout, or the
// chip panics with trigger_panic.
#include <gtest/gtest.h>

#include <cstdarg>
#include <cstdio>
#include <string>
#include <vector>

#include "esp_log.h"
#include "espnow/devices/simulation.hpp"
#include "espnow/radio/sim_air.hpp"
#include "espnow_emul_simulation.hpp"
#include "support/emulated_chip.hpp"
#include "task_wdt_program.h"

using namespace std::chrono_literals;

namespace {

constexpr espnow::MacAddress kChip{{0x02, 0, 0, 0, 0, 0x61}};

std::vector<std::string>* g_lines = nullptr;

int capture(const char* format, va_list args) {
  char line[256];
  const int n = std::vsnprintf(line, sizeof line, format, args);
  if (g_lines) g_lines->emplace_back(line);
  return n;
}

// The log lines of `app_main` on one chip for `run` of virtual time.
std::vector<std::string> run_logs(void (*app_main)(void), std::chrono::nanoseconds run) {
  std::vector<std::string> lines;
  g_lines = &lines;
  const vprintf_like_t previous = esp_log_set_vprintf(capture);
  {
    espnow::Simulation sim({.seed = 1});
    EXPECT_TRUE(espnow::emul::add_chip(sim, {.radio = {.mac = kChip}}, app_main).ok());
    sim.run_for(run);
  }
  esp_log_set_vprintf(previous);
  g_lines = nullptr;
  return lines;
}

bool has(const std::vector<std::string>& lines, const std::string& line) {
  for (const std::string& l : lines)
    if (l == line) return true;
  return false;
}

}  // namespace

TEST(TaskWdt, ItsStatesAndErrorsAreEspIdfs) {
  espnow::SimAir air;
  auto chip = espnow::test::make_chip(air, kChip);
  espnow::emul::ScopedChip use(chip.get());
  EXPECT_EQ(task_wdt_program_errors(), 0) << "line of task_wdt_program.c";
}

TEST(TaskWdt, ASubscriberThatStopsResettingIsNamedATimeoutAfterTheLastFeedAndAgainEachTimeout) {
  // "stuck" resets at 0.5 .. 3.0 s, "steady" every 500 ms: the last feed is
  // at 3.0 s, so the watchdog runs out at 4.0 s, then 5.0 s.
  const auto lines = run_logs(task_wdt_program_app_main, 5500ms);
  const std::string triggered =
      "task_wdt: Task watchdog got triggered. The following tasks/users did not reset the watchdog in time:\n";
  EXPECT_TRUE(has(lines, "E (4000) " + triggered));
  EXPECT_TRUE(has(lines, "E (5000) " + triggered));
  EXPECT_TRUE(has(lines, "E (4000) task_wdt:  - stuck (CPU 0)\n"));
  int named = 0, steady = 0;
  for (const std::string& l : lines) {
    named += l.find(" - stuck") != std::string::npos;
    steady += l.find(" - steady") != std::string::npos;
  }
  EXPECT_EQ(named, 2);
  EXPECT_EQ(steady, 0);
}

TEST(TaskWdtDeathTest, WithTriggerPanicTheChipAborts) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(run_logs(task_wdt_program_panic_app_main, 5500ms),
               "abort\\(\\) was called: task_wdt: the task watchdog ran out \\(trigger_panic\\)");
}
