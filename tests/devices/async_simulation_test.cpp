// Async devices in a Simulation: AIOESPNow coroutines, espnow::Timer and
// awaitable_operators timeouts on virtual time, deterministic for a seed.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include "espnow/async/run_on_clock.hpp"
#include "espnow/async/timer.hpp"
#include "espnow/devices/async_device.hpp"
#include "support/expect.hpp"

using namespace espnow;
using namespace std::chrono_literals;
using namespace asio::experimental::awaitable_operators;
using asio::awaitable;
using asio::use_awaitable;

namespace {

MacAddress nth(std::uint8_t i) { return MacAddress{{0x02, 0, 0, 0, 0, i}}; }

std::int64_t ms(std::chrono::nanoseconds t) { return std::chrono::duration_cast<std::chrono::milliseconds>(t).count(); }

std::vector<std::uint8_t> bytes_of(const std::string& s) { return {s.begin(), s.end()}; }

awaitable<void> sleep_for(std::chrono::nanoseconds d) {
  Timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(use_awaitable);
}

// The seeds' aioespnow echo and heartbeat as coroutines: device 0 echoes
// whatever arrives; each client sends a heartbeat every second (sync) and
// waits up to 200 ms for its echo (`arecv() || timer`). Every device's log.
std::vector<std::vector<std::string>> async_echo_and_heartbeats(std::uint64_t seed, int clients,
                                                                std::chrono::seconds run) {
  Simulation sim({.seed = seed, .loss = 0.1});
  std::vector<std::vector<std::string>> log(static_cast<std::size_t>(clients) + 1);
  Clock& clock = sim.clock();
  EXPECT_OK(add_async_device(sim, {.mac = nth(0)}, [&](AIOESPNow& e) -> awaitable<void> {
    EXPECT_OK(e->active(true));
    for (;;) {
      Message m = co_await e.async_recv(use_awaitable);
      if (!e->get_peer(m.mac).ok()) {
        EXPECT_OK(e->add_peer(m.mac));
      }
      const bool acked = co_await e.async_send(m.mac, m.msg, true, use_awaitable);
      log[0].push_back(std::to_string(ms(clock.now())) + " echo " + (acked ? "acked" : "lost"));
    }
  }));
  for (int c = 1; c <= clients; ++c) {
    auto& mine = log[static_cast<std::size_t>(c)];
    EXPECT_OK(add_async_device(sim, {.mac = nth(static_cast<std::uint8_t>(c)), .position = {double(c), 0}},
                               [&](AIOESPNow& e) -> awaitable<void> {
                                 EXPECT_OK(e->active(true));
                                 EXPECT_OK(e->add_peer(nth(0)));
                                 for (int k = 0;; ++k) {
                                   const auto beat = clock.now();
                                   const bool acked =
                                       co_await e.async_send(nth(0), bytes_of("hb " + std::to_string(k)), true,
                                                             use_awaitable);
                                   Timer limit(co_await asio::this_coro::executor, 200ms);
                                   auto echo = co_await (e.async_recv(use_awaitable) ||
                                                         limit.async_wait(use_awaitable));
                                   mine.push_back(std::to_string(ms(clock.now())) + " hb " + std::to_string(k) +
                                                  (acked ? " acked" : " lost") +
                                                  (echo.index() == 0 ? " echoed" : " no echo"));
                                   co_await sleep_for(beat + 1s - clock.now());
                                 }
                               }));
  }
  sim.run_for(run);
  return log;
}

}  // namespace

TEST(AsyncSimulation, TheSeedsAsyncEchoAndHeartbeatRunOnVirtualTime) {
  const auto t0 = std::chrono::steady_clock::now();
  const auto logs = async_echo_and_heartbeats(1, 5, 60s);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  RecordProperty("wall_seconds", std::to_string(wall));
  EXPECT_LT(wall, 30.0);  // sixty simulated seconds; typically well under one wall second
  for (std::size_t c = 1; c < logs.size(); ++c) {
    ASSERT_EQ(logs[c].size(), 60u) << c;  // one beat a second, the first at 0
    EXPECT_LT(std::stoi(logs[c][0]), 200) << logs[c][0];  // beat 0 at 0, echoed within 200 ms
    int echoed = 0;
    for (const auto& line : logs[c]) echoed += line.find(" echoed") != std::string::npos;
    EXPECT_GE(echoed, 55) << c;
  }
  EXPECT_GE(logs[0].size(), 5u * 55u);
}

TEST(AsyncSimulation, TheSameSeedGivesTheSameRunAndAnotherSeedAnother) {
  const auto a = async_echo_and_heartbeats(7, 5, 20s);
  const auto b = async_echo_and_heartbeats(7, 5, 20s);
  const auto c = async_echo_and_heartbeats(8, 5, 20s);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

TEST(AsyncSimulation, TimersWaitOnVirtualTimeAndAnHourTakesNoWallHour) {
  Simulation sim;
  Clock& clock = sim.clock();
  std::vector<std::int64_t> woke;
  bool virtual_timer = false;
  ASSERT_OK(add_async_device(sim, {.mac = nth(1)}, [&](AIOESPNow&) -> awaitable<void> {
    Timer t(co_await asio::this_coro::executor);
    virtual_timer = t.is_virtual();
    for (auto d : {1h, 2h}) {
      t.expires_after(d);
      co_await t.async_wait(use_awaitable);
      woke.push_back(ms(clock.now()));
    }
  }));
  sim.run_for(24h);
  EXPECT_TRUE(virtual_timer);
  EXPECT_EQ(woke, (std::vector<std::int64_t>{3600000, 3 * 3600000}));
  EXPECT_TRUE(sim.finished());
  EXPECT_EQ(sim.now(), 3h);  // every program returned: the run ended there
}

TEST(AsyncSimulation, ATimeoutOperatorCancelsTheReceiveWhichConsumesNothing) {
  Simulation sim;
  Clock& clock = sim.clock();
  std::vector<std::string> seen;
  ASSERT_OK(add_async_device(sim, {.mac = nth(1)}, [&](AIOESPNow& e) -> awaitable<void> {
    EXPECT_OK(e->active(true));
    Timer limit(co_await asio::this_coro::executor, 250ms);
    auto first = co_await (e.async_recv(use_awaitable) || limit.async_wait(use_awaitable));
    seen.push_back(std::to_string(ms(clock.now())) + (first.index() == 1 ? " timed out" : " received"));
    Message m = co_await e.async_recv(use_awaitable);  // the message sent at 400 ms is still there
    seen.push_back(std::to_string(ms(clock.now())) + " " + std::string(m.msg.begin(), m.msg.end()));
  }));
  ASSERT_OK(add_async_device(sim, {.mac = nth(2)}, [&](AIOESPNow& e) -> awaitable<void> {
    EXPECT_OK(e->active(true));
    EXPECT_OK(e->add_peer(nth(1)));
    co_await sleep_for(400ms);
    EXPECT_TRUE(co_await e.async_send(nth(1), bytes_of("late"), true, use_awaitable));
  }));
  sim.run_for(10s);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0], "250 timed out");
  EXPECT_EQ(seen[1].substr(seen[1].find(' ')), " late");
  EXPECT_EQ(seen[1].substr(0, 3), "400");  // a few hundred microseconds of airtime later
}

TEST(AsyncSimulation, ASyncSendAfterAnUnansweredOneWaitsItsReportOnVirtualTime) {
  // The seeds' 100 ms rule, async: a sync send right after a send(sync=False)
  // to an absent peer waits for that send's report (a few ms of retries on
  // the air), then goes; nothing of it waits on the wall clock.
  Simulation sim;
  Clock& clock = sim.clock();
  std::vector<std::string> seen;
  ASSERT_OK(add_async_device(sim, {.mac = nth(1)}, [&](AIOESPNow& e) -> awaitable<void> {
    EXPECT_OK(e->active(true));
    EXPECT_OK(e->add_peer(nth(9)));  // nobody
    EXPECT_FALSE(co_await e.async_send(nth(9), bytes_of("a"), false, use_awaitable) && false);
    const auto before = clock.now();
    const bool acked = co_await e.async_send(nth(9), bytes_of("b"), true, use_awaitable);
    seen.push_back(std::string(acked ? "acked" : "failed") + " after " +
                   std::to_string(ms(clock.now() - before) < 100 ? 0 : 1));
  }));
  sim.run_for(10s);
  EXPECT_EQ(seen, (std::vector<std::string>{"failed after 0"}));
}

TEST(AsyncSimulation, AProgramStillWaitingWhenTheSimulationEndsIsUnwound) {
  bool destroyed = false;
  struct Flag {
    bool* b;
    ~Flag() { *b = true; }
  };
  {
    Simulation sim;
    ASSERT_OK(add_async_device(sim, {.mac = nth(1)}, [&](AIOESPNow& e) -> awaitable<void> {
      Flag f{&destroyed};
      EXPECT_OK(e->active(true));
      (void)co_await e.async_recv(use_awaitable);  // nobody sends
    }));
    sim.run_for(5s);
    EXPECT_EQ(sim.now(), 5s);
    EXPECT_FALSE(destroyed);
  }
  EXPECT_TRUE(destroyed);
}

// Firmware makes its AIOESPNow and then runs the io_context with
// run_on_clock() (examples/esp-idf), which installs the VirtualTime only
// then: the AIOESPNow's link posts still wake the driver, so a sync send
// completes when its report comes, not at some later timer (it used to
// wait for ever here, there being no timer).
TEST(AsyncSimulation, AnAIOESPNowMadeBeforeRunOnClockIsWokenByItsReports) {
  Simulation sim({.seed = 3});
  std::optional<std::chrono::nanoseconds> reported_at;
  ASSERT_OK(sim.add_device({.mac = nth(1)}, [&](SimDevice& d) {
    asio::io_context io;
    AIOESPNow e(d.espnow(), io.get_executor());
    bool done = false;
    asio::co_spawn(
        io,
        [&]() -> awaitable<void> {
          EXPECT_OK(e->active(true));
          EXPECT_OK(e->add_peer(MacAddress::broadcast()));
          const bool sent = co_await e.async_send(MacAddress::broadcast(), bytes_of("hi"), true, use_awaitable);
          EXPECT_TRUE(sent);
          reported_at = d.clock().now();
          done = true;
        },
        asio::detached);
    run_on_clock(io, d.clock(), [&] { return done; });
  }));
  sim.run_for(10s);
  ASSERT_TRUE(reported_at.has_value());
  EXPECT_LT(*reported_at, 10ms);
}

TEST(AsyncSimulationDeathTest, AWallClockSteadyTimerIsReported) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        Simulation sim;
        (void)add_async_device(sim, {.mac = nth(1)}, [](AIOESPNow&) -> awaitable<void> {
          asio::steady_timer t(co_await asio::this_coro::executor, 1s);
          co_await t.async_wait(use_awaitable);
        });
        sim.run_for(10s);
      },
      "asio::steady_timer.*espnow::Timer");
}
