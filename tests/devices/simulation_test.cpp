// Simulation: device programs written against the sync API, on virtual time,
// deterministic for a seed.
#include <gtest/gtest.h>

#include <pthread.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "espnow/devices/simulation.hpp"
#include "fleet.hpp"
#include "support/expect.hpp"
#include "support/sanitized.hpp"

using namespace espnow;
using namespace std::chrono_literals;

namespace {

MacAddress nth(std::uint8_t i) { return MacAddress{{0x02, 0, 0, 0, 0, i}}; }

std::int64_t ms(std::chrono::nanoseconds t) { return std::chrono::duration_cast<std::chrono::milliseconds>(t).count(); }

// The seeds' echo and heartbeat (examples/fleet.hpp) on 1 + `clients`
// devices under 10% loss; every device's log.
std::vector<std::vector<std::string>> echo_and_heartbeats(std::uint64_t seed, int clients, std::chrono::seconds run,
                                                          std::chrono::nanoseconds* ended = nullptr) {
  Simulation sim({.seed = seed, .loss = 0.1});
  FleetLog log;
  add_echo_heartbeat_fleet(sim, clients, 1000ms, log);
  sim.run_for(run);
  if (ended) *ended = sim.now();
  return log.lines;
}

}  // namespace

TEST(Simulation, TheSeedsEchoAndHeartbeatRunOnVirtualTimeFasterThanRealTime) {
  const auto t0 = std::chrono::steady_clock::now();
  std::chrono::nanoseconds ended{};
  const auto logs = echo_and_heartbeats(1, 9, 60s, &ended);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  RecordProperty("wall_seconds", std::to_string(wall));
  EXPECT_EQ(ended, 60s);
  EXPECT_LT(wall, 30.0);  // sixty simulated seconds; typically well under one wall second
  for (std::size_t c = 1; c < logs.size(); ++c) {
    ASSERT_EQ(logs[c].size(), 60u) << c;  // one beat a second, the first at 0
    int echoed = 0;
    for (const auto& line : logs[c]) echoed += line.find(" echoed") != std::string::npos;
    EXPECT_GE(echoed, 55) << c;  // 10% loss, but each frame gets six attempts
  }
  EXPECT_GE(logs[0].size(), 9u * 55u);
}

TEST(Simulation, TheSameSeedGivesTheSameRunAndAnotherSeedAnother) {
  const auto a = echo_and_heartbeats(7, 5, 20s);
  const auto b = echo_and_heartbeats(7, 5, 20s);
  const auto c = echo_and_heartbeats(8, 5, 20s);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

TEST(Simulation, TimeMovesOnlyWhileEveryProgramWaits) {
  Simulation sim;
  Clock& clock = sim.clock();
  std::vector<std::int64_t> seen;
  std::mutex m;
  auto record = [&](std::int64_t t) {
    std::lock_guard lk(m);
    seen.push_back(t);
  };
  ASSERT_OK(sim.add_device({.mac = nth(1)}, [&](SimDevice&) {
    record(ms(clock.now()));
    volatile std::uint64_t spin = 0;
    for (int i = 0; i < 2000000; ++i) spin = spin + 1;  // work takes no virtual time
    record(ms(clock.now()));
    clock.sleep_until(clock.now() + 1500ms);
    record(ms(clock.now()));
  }));
  ASSERT_OK(sim.add_device({.mac = nth(2)}, [&](SimDevice& d) {
    ASSERT_OK(d.espnow().active(true));
    auto r = d.espnow().recv(700);  // nothing comes: a timeout of exactly 700 ms
    ASSERT_OK(r);
    EXPECT_FALSE(r->has_value());
    record(ms(clock.now()));
  }));
  sim.run_for(1h);
  EXPECT_TRUE(sim.finished());
  EXPECT_EQ(sim.now(), 1500ms);  // it stops when the last program returns
  EXPECT_EQ(seen, (std::vector<std::int64_t>{0, 0, 700, 1500}));
}

TEST(Simulation, AStopAskedForEndsTheRunWhereVirtualTimeIsAndTheNextRunGoesOn) {
  Simulation sim;
  Clock& clock = sim.clock();
  std::atomic<std::int64_t> steps{0}, last_ms{-1};
  ASSERT_OK(sim.add_device({.mac = nth(1)}, [&](SimDevice&) {
    for (;;) {  // a millisecond of virtual time a step, for ever
      last_ms = ms(clock.now());
      ++steps;
      clock.sleep_until(clock.now() + 1ms);
    }
  }));
  int asked = 0;
  sim.run_for(100h, [&] { return ++asked >= 1; });  // asked first after 100 ms of wall time
  EXPECT_GE(asked, 1);
  const auto stopped_at = sim.now();
  EXPECT_GT(stopped_at, 0ms);
  EXPECT_LT(stopped_at, 100h);
  EXPECT_EQ(last_ms.load(), ms(stopped_at));  // time went no further than the program's last step
  const std::int64_t before = steps;
  sim.run_for(2s, [] { return false; });
  EXPECT_EQ(sim.now(), stopped_at + 2s);
  EXPECT_EQ(steps.load(), before + 2000);
}

TEST(Simulation, AProgramThatIsStillWaitingWhenTheSimulationEndsIsUnwound) {
  bool unwound = false;
  {
    Simulation sim;
    ASSERT_OK(sim.add_device({.mac = nth(1)}, [&](SimDevice& d) {
      struct Flag {
        bool& f;
        ~Flag() { f = true; }
      } flag{unwound};
      ASSERT_OK(d.espnow().active(true));
      (void)d.espnow().recv(-1);  // waits for ever
    }));
    sim.run_for(10s);
    EXPECT_FALSE(sim.finished());
    EXPECT_EQ(sim.now(), 10s);
  }
  EXPECT_TRUE(unwound);
}

TEST(Simulation, ThreadsStartedThroughTheClockAreProgramsInTheOrderTheyStarted) {
  std::vector<std::string> log;  // one program runs at a time: no lock needed
  bool never_run_destroyed = false;
  {
    Simulation sim;
    Clock& clock = sim.clock();
    const auto entry = [&](const char* who) { log.push_back(std::to_string(ms(clock.now())) + " " + who); };
    // Started between runs, from the thread that runs the simulation.
    std::function<void()> first = [&] {
      entry("first");
      clock.sleep_until(1s);
      entry("first at 1 s");
      // Started by a program: runs after those started before it.
      std::function<void()> child = [&] {
        entry("child");
        clock.sleep_until(3s);
        entry("child at 3 s");
        pthread_exit(nullptr);  // ends it, as a return does
      };
      EXPECT_TRUE(clock.start_thread("child", child));
      clock.sleep_until(2s);
      entry("first at 2 s");
    };
    std::function<void()> second = [&] {
      entry("second");
      clock.sleep_until(1s);
      entry("second at 1 s");
      clock.sleep_until(std::chrono::hours(1));  // still waiting at the end: unwound
    };
    ASSERT_TRUE(clock.start_thread("first", first));
    ASSERT_TRUE(clock.start_thread("second", second));
    sim.run_for(10s);
    EXPECT_EQ(sim.now(), 10s);
    // A thread the simulation ends before it ran: its body is destroyed all the same.
    std::shared_ptr<void> token(nullptr, [&](void*) { never_run_destroyed = true; });
    std::function<void()> late = [token] { ADD_FAILURE() << "never runs"; };
    token.reset();
    ASSERT_TRUE(clock.start_thread("late", late));
  }
  EXPECT_TRUE(never_run_destroyed);
  EXPECT_EQ(log, (std::vector<std::string>{"0 first", "0 second", "1000 first at 1 s", "1000 second at 1 s", "1000 child",
                                           "2000 first at 2 s", "3000 child at 3 s"}));
}

// The lines of /proc/self/maps: a thread that ended but was never joined
// keeps its stack mapped.
static std::size_t mappings() {
  std::ifstream maps("/proc/self/maps");
  std::size_t lines = 0;
  for (std::string line; std::getline(maps, line);) ++lines;
  return lines;
}

TEST(Simulation, ThreadsThatEndedAreLetGoWhileTheRunGoesOn) {
  // A chip that reboots again and again starts new threads each boot; the
  // ended ones must not pile up until the simulation ends.
  constexpr int kThreads = 400;
  Simulation sim;
  Clock& clock = sim.clock();
  int ran = 0;
  std::size_t before = 0, after = 0;
  std::function<void()> next = [&] {
    ++ran;
    clock.sleep_until(clock.now() + 1ms);
    if (ran == kThreads) return (void)(after = mappings());
    std::function<void()> body = next;
    EXPECT_TRUE(clock.start_thread("link", body));
  };
  before = mappings();
  std::function<void()> first = next;
  ASSERT_TRUE(clock.start_thread("link", first));
  sim.run_for(10s);
  EXPECT_EQ(ran, kThreads);
  // Kept, each of the 400 would hold its stack (two mappings with its guard
  // page): 790 more in a plain build. Let go, the mappings stay about as
  // they were (ThreadSanitizer keeps about 100 of its own for the threads).
  EXPECT_LT(after, before + kThreads / 2) << "from " << before << " mappings to " << after;
}

TEST(SimulationDeathTest, AThreadThatIsNoProgramWaitingOnTheClockIsReported) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        Simulation sim;
        auto dev = sim.add_device({.mac = nth(1)});
        (void)(*dev)->espnow().active(true);
        (void)(*dev)->espnow().recv(100);
      },
      "none of the simulation's programs waited on its clock");
}

TEST(Simulation, IrqCallbacksRunBetweenTheProgramsStepsOnVirtualTime) {
  // The seeds' irq pattern: the callback drains with irecv(0). Each call runs
  // in the scheduling step after the delivery, at the virtual time it arrived.
  std::vector<std::int64_t> arrivals;
  Simulation sim({.seed = 3});
  Clock& clock = sim.clock();
  ASSERT_OK(sim.add_device({.mac = nth(1)}, [&](SimDevice& d) {
    ESPNow& e = d.espnow();
    ASSERT_OK(e.active(true));
    e.irq([&](ESPNow& self) {
      for (auto r = self.irecv(0); r.ok() && r->mac; r = self.irecv(0)) arrivals.push_back(ms(clock.now()));
    });
    clock.sleep_until(10s);  // the program itself does nothing more
    e.wait_irq_idle();
  }));
  ASSERT_OK(sim.add_device({.mac = nth(2)}, [&](SimDevice& d) {
    ESPNow& e = d.espnow();
    ASSERT_OK(e.active(true));
    ASSERT_OK(e.add_peer(nth(1)));
    for (int k = 0; k < 5; ++k) {
      clock.sleep_until(std::chrono::seconds(k + 1));
      ASSERT_TRUE(*e.send(nth(1), std::vector<std::uint8_t>{static_cast<std::uint8_t>(k)}));
    }
  }));
  sim.run_for(1min);
  EXPECT_TRUE(sim.finished());
  ASSERT_EQ(arrivals.size(), 5u);
  for (std::size_t k = 0; k < 5; ++k) EXPECT_EQ(arrivals[k], static_cast<std::int64_t>(k + 1) * 1000) << k;
}

// On a board MicroPython runs an irq callback on the main program's thread,
// between its steps: one that waits (a sleep, a sync send, a recv with a
// timeout) holds its own program for that long, and no one else's. Here each
// call takes 10 ms of virtual time while the sender broadcasts every 1 ms.
TEST(Simulation, AnIrqCallbackThatWaitsRunsOnItsOwnProgramsThreadAndHoldsOnlyIt) {
  struct Call {
    std::int64_t start_ms, end_ms;
    bool on_its_program;
  };
  std::vector<Call> calls;
  std::vector<std::int64_t> ticks;  // the listener's own program, every 5 ms
  int sent = 0;
  Simulation sim({.seed = 5});
  Clock& clock = sim.clock();
  ASSERT_OK(sim.add_device({.mac = nth(1)}, [&](SimDevice& d) {
    const pthread_t program = pthread_self();
    ESPNow& e = d.espnow();
    ASSERT_OK(e.active(true));
    e.irq([&, program](ESPNow& self) {
      const auto start = ms(clock.now());
      (void)self.irecv(0);
      clock.sleep_until(clock.now() + 10ms);
      calls.push_back({start, ms(clock.now()), pthread_equal(pthread_self(), program) != 0});
    });
    for (auto t = 5ms; t <= 1s; t += 5ms) {
      clock.sleep_until(t);
      ticks.push_back(ms(clock.now()));
    }
    e.wait_irq_idle();
  }));
  ASSERT_OK(sim.add_device({.mac = nth(2)}, [&](SimDevice& d) {
    ESPNow& e = d.espnow();
    ASSERT_OK(e.active(true));
    ASSERT_OK(e.add_peer(MacAddress::broadcast()));
    for (int k = 0; k < 10; ++k) {
      clock.sleep_until(100ms + k * 1ms);
      sent += e.send(MacAddress::broadcast(), std::vector<std::uint8_t>{static_cast<std::uint8_t>(k)}, false).ok();
    }
    clock.sleep_until(2s);  // and it goes on running, while the listener's callbacks wait
    ticks.push_back(-1);
  }));
  sim.run_for(3s);
  EXPECT_TRUE(sim.finished());
  EXPECT_EQ(sent, 10);
  ASSERT_EQ(calls.size(), 10u);
  EXPECT_EQ(calls[0].start_ms, 100);  // as the first broadcast arrives
  for (std::size_t k = 0; k < calls.size(); ++k) {
    EXPECT_TRUE(calls[k].on_its_program) << k;
    EXPECT_EQ(calls[k].end_ms - calls[k].start_ms, 10) << k;
    if (k) {
      EXPECT_EQ(calls[k].start_ms, calls[k - 1].end_ms) << k;  // one at a time, none within another
    }
  }
  // The listener's program went on between the calls, as a board's sleep
  // looks at its end between two: its 5 ms ticks from 105 to 200 ms came as
  // each call ended (two per call), then on time to its end; the sender's at 2 s.
  ASSERT_EQ(ticks.size(), 201u);
  EXPECT_EQ(ticks[19], 100);  // its tick at 100 ms, before the first arrival
  for (std::size_t i = 20; i < 40; ++i) EXPECT_EQ(ticks[i], calls[(i - 20) / 2].end_ms) << i;
  EXPECT_EQ(ticks[40], 205);
  EXPECT_EQ(ticks[199], 1000);
  EXPECT_EQ(ticks[200], -1);
}

// A device whose program returned still has its callback called, as a
// board's REPL runs scheduled callbacks after main.py: on the program's
// thread, which stays for them, so a call may still wait.
TEST(Simulation, IrqCallbacksOfADeviceWhoseProgramReturnedStillRunOnItsThread) {
  std::vector<std::int64_t> arrivals;
  bool on_its_program = true;
  Simulation sim({.seed = 3});
  Clock& clock = sim.clock();
  ASSERT_OK(sim.add_device({.mac = nth(1)}, [&](SimDevice& d) {
    ASSERT_OK(d.espnow().active(true));
    const pthread_t program = pthread_self();
    d.espnow().irq([&, program](ESPNow& self) {
      for (auto r = self.irecv(0); r.ok() && r->mac; r = self.irecv(0)) arrivals.push_back(ms(clock.now()));
      clock.sleep_until(clock.now() + 10ms);
      on_its_program = on_its_program && pthread_equal(pthread_self(), program);
    });
  }));
  ASSERT_OK(sim.add_device({.mac = nth(2)}, [&](SimDevice& d) {
    ESPNow& e = d.espnow();
    ASSERT_OK(e.active(true));
    ASSERT_OK(e.add_peer(nth(1)));
    for (int k = 1; k <= 3; ++k) {
      clock.sleep_until(std::chrono::seconds(k));
      ASSERT_TRUE(*e.send(nth(1), std::vector<std::uint8_t>{static_cast<std::uint8_t>(k)}));
    }
  }));
  sim.run_for(10s);
  EXPECT_TRUE(sim.finished());
  EXPECT_EQ(arrivals, (std::vector<std::int64_t>{1000, 2000, 3000}));
  EXPECT_TRUE(on_its_program);
}

// The scheduling step runs between the programs: a wait there would take the
// place of the wait of whichever program's thread took the step.
TEST(SimulationDeathTest, AWaitInTheSchedulingStepIsReported) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  auto sender = [](Simulation& sim) {
    return [&sim](SimDevice& d) {
      ESPNow& e = d.espnow();
      ASSERT_OK(e.active(true));
      ASSERT_OK(e.add_peer(MacAddress::broadcast()));
      ASSERT_OK(e.send(MacAddress::broadcast(), std::vector<std::uint8_t>{1}, false));
      sim.clock().sleep_until(1s);
    };
  };
  EXPECT_DEATH(
      {
        Simulation sim;
        auto listener = sim.add_device({.mac = nth(1)});  // no program
        (void)(*listener)->espnow().active(true);
        (*listener)->espnow().irq([&sim](ESPNow&) { sim.clock().sleep_until(sim.now() + 10ms); });
        (void)sim.add_device({.mac = nth(2)}, sender(sim));
        sim.run_for(2s);
      },
      "an irq callback of a device with no program waited on the simulation's clock");
  EXPECT_DEATH(
      {
        Simulation sim;
        (void)sim.add_device({.mac = nth(2)}, sender(sim));
        sim.at(100ms, [&sim] { sim.clock().sleep_until(200ms); });
        sim.run_for(2s);
      },
      "an action of Simulation::at waited on the simulation's clock");
}

namespace {

// Every frame on the air of a run of the seeds' example (time, channel, rate
// and bytes), folded into one 64-bit FNV-1a hash; and how many.
std::pair<std::uint64_t, std::size_t> air_of_a_run(std::uint64_t seed, int devices, std::chrono::seconds run) {
  Simulation sim({.seed = seed, .loss = 0.1});
  FleetLog log;
  add_echo_heartbeat_fleet(sim, devices - 1, 1000ms, log);
  std::uint64_t h = 0xcbf29ce484222325ull;
  std::size_t frames = 0;
  auto mix = [&h](std::uint64_t v) {
    for (int i = 0; i < 8; ++i) h = (h ^ ((v >> (8 * i)) & 0xff)) * 0x100000001b3ull;
  };
  sim.air().set_sniffer([&](const AiredFrame& f) {
    ++frames;
    mix(static_cast<std::uint64_t>(f.at.count()));
    mix(f.channel);
    mix(static_cast<std::uint64_t>(f.rate));
    for (const std::uint8_t b : f.frame) mix(b);
  });
  sim.run_for(run);
  return {h, frames};
}

}  // namespace

// Ten simulated minutes, three times over; one minute under the sanitizers (where
// three runs of ten took 250 s of ThreadSanitizer's 300 s limit, and went over
// it on a slower machine).
TEST(Simulation, TwentyDevicesPutTheSameFramesOnTheAirForASeed) {
  constexpr auto run = test::kSanitized ? 60s : 600s;
  const auto a = air_of_a_run(11, 20, run);
  const auto b = air_of_a_run(11, 20, run);
  const auto c = air_of_a_run(12, 20, run);
  EXPECT_GT(a.second, 2u * 19u * static_cast<std::size_t>(run.count()));  // every heartbeat and echo, and their retries
  EXPECT_EQ(a, b);                        // byte for byte, at the same nanosecond
  EXPECT_NE(a.first, c.first);
}

TEST(Simulation, ScheduledActionsAndPowerCyclesHappenAtTheirVirtualTimes) {
  Simulation sim({.seed = 5});
  Clock& clock = sim.clock();
  std::vector<std::string> journal;
  auto note = [&](const std::string& what) { journal.push_back(std::to_string(ms(clock.now())) + " " + what); };
  // Device 0 boots (activates, counts what it hears), forever; device 1 sends
  // it a message every 100 ms and notes each result.
  ASSERT_OK(sim.add_device({.mac = nth(1)}, [&](SimDevice& d) {
    note("boot");
    ASSERT_OK(d.espnow().active(true));
    for (;;) (void)d.espnow().recv(1000);
  }));
  int acked = 0, failed = 0, failed_while_off = 0;
  ASSERT_OK(sim.add_device({.mac = nth(2), .position = {3, 0}}, [&](SimDevice& d) {
    ESPNow& e = d.espnow();
    ASSERT_OK(e.active(true));
    ASSERT_OK(e.add_peer(nth(1)));
    for (;;) {
      clock.sleep_until(clock.now() + 100ms);
      const auto r = e.send(nth(1), std::vector<std::uint8_t>{1});
      if (r.ok() && *r) ++acked;
      else ++failed, failed_while_off += clock.now() > 1s && clock.now() < 1500ms;
    }
  }));
  sim.power_cycle(0, 1s, 500ms);
  sim.at(3s, [&] { note("move away"), sim[0].radio().set_position({5000, 0}); });
  sim.run_for(4s);
  EXPECT_EQ(journal, (std::vector<std::string>{"0 boot", "1500 boot", "3000 move away"}));
  EXPECT_GE(failed_while_off, 4);    // off: nothing acknowledged
  EXPECT_GE(failed, failed_while_off + 7);  // and once it is out of range (from 3 s)
  EXPECT_GE(acked, 20);              // before, between, and after the boot
}

TEST(Simulation, ADevicesClockDriftsItsTimeoutsAndSleepsButNotTheAirOrTheOthers) {
  Simulation sim({.seed = 3});
  std::vector<std::int64_t> fast_wakes, slow_wakes, exact_wakes;
  auto sleeper = [&](std::vector<std::int64_t>& wakes) {
    return [&](SimDevice& d) {
      ASSERT_OK(d.espnow().active(true));
      for (int i = 0; i < 3; ++i) {
        (void)d.espnow().recv(10000);  // nobody sends: a 10 s timeout on the device's clock
        wakes.push_back(std::chrono::duration_cast<std::chrono::microseconds>(sim.now()).count());
      }
      d.clock().sleep_until(d.clock().now() + 100s);
      wakes.push_back(std::chrono::duration_cast<std::chrono::microseconds>(sim.now()).count());
    };
  };
  ASSERT_OK(sim.add_device({.mac = nth(1)}, sleeper(fast_wakes)));
  ASSERT_OK(sim.add_device({.mac = nth(2)}, sleeper(slow_wakes)));
  ASSERT_OK(sim.add_device({.mac = nth(3)}, sleeper(exact_wakes)));
  sim.set_clock_drift(0, 100);   // +100 ppm: its 10 s are over after 9.999 s of virtual time
  sim.set_clock_drift(1, -50);   // -50 ppm: after 10.0005 s
  sim.run_for(1h);
  // Each wake within a microsecond of the drifted time (the clocks round to nanoseconds).
  auto near = [](std::int64_t got, double want_us) { return std::abs(static_cast<double>(got) - want_us) <= 1.0; };
  ASSERT_EQ(fast_wakes.size(), 4u);
  ASSERT_EQ(slow_wakes.size(), 4u);
  EXPECT_EQ(exact_wakes, (std::vector<std::int64_t>{10'000'000, 20'000'000, 30'000'000, 130'000'000}));
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(near(fast_wakes[i], (i + 1) * 10e6 / 1.0001)) << fast_wakes[i];
    EXPECT_TRUE(near(slow_wakes[i], (i + 1) * 10e6 / 0.99995)) << slow_wakes[i];
  }
  EXPECT_TRUE(near(fast_wakes[3], 130e6 / 1.0001)) << fast_wakes[3];
  EXPECT_TRUE(near(slow_wakes[3], 130e6 / 0.99995)) << slow_wakes[3];
}

TEST(Simulation, ChangingADevicesDriftKeepsItsClockContinuous) {
  Simulation sim;
  std::vector<std::int64_t> local_ms;
  ASSERT_OK(sim.add_device({.mac = nth(1)}, [&](SimDevice& d) {
    for (int i = 0; i < 4; ++i) {
      d.clock().sleep_until(d.clock().now() + 1s);
      local_ms.push_back(ms(d.clock().now()));
    }
  }));
  sim.at(2500ms, [&] { sim.set_clock_drift(0, 1e5); });  // +10% from 2.5 s of virtual time
  sim.run_for(10s);
  // Local time reads 1000, 2000; the wait under way at the change ends at
  // the virtual time it was given (3 s), when the clock, continuous at 2.5 s
  // and 10% fast since, reads 2500 + 550; the next second takes 1/1.1 s.
  EXPECT_EQ(local_ms, (std::vector<std::int64_t>{1000, 2000, 3050, 4050}));
  EXPECT_NEAR(std::chrono::duration<double>(sim.now()).count(), 3.0 + 1.0 / 1.1, 1e-6);
}
