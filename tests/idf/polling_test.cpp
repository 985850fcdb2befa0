// Firmware that waits by polling the clock or yielding, on a Simulation's
// clock, which moves only when every program waits: the polls cost time as
// on a chip (after rtos::kFreePolls at one instant, 10 µs each), so the
// loops end, at the virtual times a chip's would, and the run stays the
// same from one run to the next.
#include <gtest/gtest.h>

#include <chrono>

#include "espnow/devices/simulation.hpp"
#include "espnow_emul_simulation.hpp"
#include "polling_program.h"

using namespace std::chrono_literals;

namespace {

polling_seen_t run_polling(std::chrono::nanoseconds* finished_at) {
  espnow::Simulation sim({.seed = 1});
  auto chip = espnow::emul::add_chip(sim, {.radio = {.mac = {{0x02, 0, 0, 0, 0, 0x41}}}}, polling_app_main);
  EXPECT_TRUE(chip.ok());
  sim.run_for(1s, [] { return polling_seen().done != 0; });
  *finished_at = sim.now();
  return polling_seen();
}

}  // namespace

TEST(IdfPolling, BusyWaitsOnTheClockAndYieldLoopsEndAtTheTimesAChipsWould) {
  std::chrono::nanoseconds at{};
  const polling_seen_t seen = run_polling(&at);
  ASSERT_EQ(seen.done, 1) << "a polling loop held virtual time";
  EXPECT_GE(seen.waited_us, 1000);
  EXPECT_LE(seen.waited_us, 1010);  // one poll's cost past it at most
  EXPECT_EQ(seen.tick_waited, 2u);
  // The flag is set 30 ms after the yield loop began (at 30 ms + 1 ms and a
  // tick or two): it is seen within a poll's cost of that.
  EXPECT_GT(seen.flag_seen_us, 30000);
  EXPECT_LT(seen.flag_seen_us, 70000);
  std::chrono::nanoseconds again{};
  const polling_seen_t second = run_polling(&again);
  EXPECT_EQ(second.waited_us, seen.waited_us);
  EXPECT_EQ(second.flag_seen_us, seen.flag_seen_us);
}
