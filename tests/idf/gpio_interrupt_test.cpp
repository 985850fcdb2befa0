// GPIO interrupts (driver/gpio.h): a harness drives a chip's pads at exact
// virtual times (EmulatedChip::set_gpio_input from Simulation::at) and the
// firmware's ISR runs at that instant, hands the pad to a task through a
// queue, and the task reads the level (gpio_interrupt_program.c, C11).
// FreeRTOS ticks are ESP-IDF's default 100 Hz: 10 ms each.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <vector>

#include "espnow/devices/simulation.hpp"
#include "espnow/radio/sim_air.hpp"
#include "espnow_emul.hpp"
#include "espnow_emul_simulation.hpp"
#include "gpio_interrupt_program.h"
#include "support/emulated_chip.hpp"

using namespace std::chrono_literals;
using espnow::MacAddress;
using espnow::Simulation;

namespace {

constexpr MacAddress kChip{{0x02, 0, 0, 0, 0, 0x31}};

// What a harness does to a pad at a virtual time: drive it (0 or 1) or let it go (nullopt).
struct Drive {
  std::chrono::nanoseconds at;
  int pad;
  std::optional<int> level;
};

// `app_main` on one chip of a simulation for `run`, its pads driven as `drives` say.
gpio_program_seen_t run_firmware(void (*app_main)(void), const std::vector<Drive>& drives,
                                 std::chrono::nanoseconds run = 5s) {
  gpio_program_reset();
  gpio_program_seen_t seen{};
  {
    Simulation sim({.seed = 1});
    auto chip = espnow::emul::add_chip(sim, {.radio = {.mac = kChip}}, app_main);
    EXPECT_TRUE(chip.ok());
    if (!chip.ok()) return seen;
    for (const Drive& d : drives)
      sim.at(d.at, [c = *chip, d] { EXPECT_TRUE(c->set_gpio_input(d.pad, d.level)); });
    sim.run_for(run);
    seen = gpio_program_seen();
  }
  gpio_program_reset();  // the firmware's queue, once its chip is gone
  return seen;
}

// `pad` pulled to 0 (a button to ground) at `at`, let go `held` later.
std::vector<Drive> press(int pad, std::chrono::nanoseconds at, std::chrono::nanoseconds held) {
  return {{at, pad, 0}, {at + held, pad, std::nullopt}};
}

std::vector<Drive> operator+(std::vector<Drive> a, const std::vector<Drive>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

TEST(GpioInterrupt, AButtonPressRunsTheHandlerAtThatInstantAndTheTaskReadsTheLevel) {
  const auto seen = run_firmware(gpio_button_app_main, press(0, 1s, 200ms) + press(0, 2500ms, 50ms));
  EXPECT_EQ(seen.isr_calls, 2u);  // falling edges only: the releases raise nothing
  EXPECT_EQ(seen.bad_args, 0u);   // each call with the argument gpio_isr_handler_add gave
  ASSERT_EQ(seen.events, 2u);
  EXPECT_EQ(seen.event_ticks[0], 100u);  // 1 s: the press's instant
  EXPECT_EQ(seen.event_ticks[1], 250u);
  EXPECT_EQ(seen.last_level, 0);  // the task ran at that instant, the button still down
}

TEST(GpioInterrupt, EdgesBeforeTheHandlerRunsAreOneInterruptAsTheStatusBitMakesThem) {
  // Down, up and down again in one instant (a bouncing contact): one call.
  const std::vector<Drive> bounce = {{1s, 0, 0}, {1s, 0, 1}, {1s, 0, 0}, {1200ms, 0, std::nullopt}};
  const auto seen = run_firmware(gpio_button_app_main, bounce);
  EXPECT_EQ(seen.isr_calls, 1u);
  EXPECT_EQ(seen.events, 1u);
}

TEST(GpioInterrupt, AnyEdgeRaisesOnBothAndADisabledInterruptRaisesNothing) {
  // app_main disables the interrupt from 2 s to 3 s.
  const auto seen = run_firmware(gpio_anyedge_app_main,
                                 press(4, 1s, 100ms) + press(4, 2200ms, 100ms) + press(4, 3500ms, 100ms));
  EXPECT_EQ(seen.isr_calls, 4u);  // 1 s and 1.1 s, 3.5 s and 3.6 s
  ASSERT_EQ(seen.events, 4u);
  EXPECT_EQ(seen.event_ticks[1], 110u);
  EXPECT_EQ(seen.event_ticks[2], 350u);
}

TEST(GpioInterrupt, ALevelInterruptComesAgainWhenEnabledWhileItsLevelHolds) {
  // High from 1 s to 1.35 s: the handler disables it, the task enables it
  // 100 ms after each event, and while the level holds it comes at once.
  const std::vector<Drive> high = {{1s, 5, 1}, {1350ms, 5, std::nullopt}};
  const auto seen = run_firmware(gpio_level_app_main, high);
  ASSERT_EQ(seen.events, 4u);  // 1.0, 1.1, 1.2 and 1.3 s; at 1.4 s the pad is low
  EXPECT_EQ(seen.event_ticks[0], 100u);
  EXPECT_EQ(seen.event_ticks[3], 130u);
  EXPECT_EQ(seen.last_level, 1);
}

TEST(GpioInterrupt, TheFirmwaresOwnOutputRaisesItsInputsInterrupt) {
  const auto seen = run_firmware(gpio_own_output_app_main, {});
  EXPECT_EQ(seen.isr_calls, 5u);  // five rising edges, no falling one counted
  ASSERT_EQ(seen.events, 5u);
  EXPECT_EQ(seen.event_ticks[0], 1u);  // 10 ms
  EXPECT_EQ(seen.event_ticks[4], 9u);
}

TEST(GpioInterrupt, TheServicesErrorsAreEspIdfs) {
  espnow::SimAir air;
  auto chip = espnow::test::make_chip(air, kChip);
  espnow::emul::ScopedChip use(chip.get());
  EXPECT_EQ(gpio_program_errors(), 0) << "line of gpio_interrupt_program.c";
}

TEST(GpioInterruptDeathTest, ALevelHandlerThatNeverEndsItPanicsAsTheInterruptWatchdogWould) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(run_firmware(gpio_stuck_level_app_main, {{1s, 5, 1}}),
               "Interrupt wdt timeout on CPU0.*GPIO 5's level interrupt was served 10000 times in a row");
}
