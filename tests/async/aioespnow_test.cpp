// AIOESPNow: every operation under several completion tokens, the proof
// that nothing blocks the executor, concurrency, and cancellation.
#include <gtest/gtest.h>
#include "support/expect.hpp"


#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/experimental/deferred.hpp>
#include <asio/io_context.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_future.hpp>
#include <atomic>
#include <condition_variable>
#include <future>
#include <map>
#include <mutex>
#include <thread>

#include "espnow/async/aioespnow.hpp"
#include "espnow/devices/sim_devices.hpp"
#include "support/fake_link.hpp"
#include "support/manual_clock.hpp"

using namespace espnow;
using namespace espnow::literals;
using namespace std::chrono_literals;
using asio::awaitable;
using asio::use_awaitable;

namespace {

constexpr MacAddress kA = "02:00:00:00:00:0a"_mac, kB = "02:00:00:00:00:0b"_mac, kC = "02:00:00:00:00:0c"_mac;

std::string text(std::span<const std::uint8_t> s) { return {s.begin(), s.end()}; }

class Async : public ::testing::Test {
 protected:
  Async() {
    EXPECT_OK(a.espnow().active(true));
    EXPECT_OK(b.espnow().config({.rxbuf = 1 << 16}));
    EXPECT_OK(b.espnow().active(true));
    EXPECT_OK(a.espnow().add_peer(kB));
  }
  // Runs a coroutine to completion on `io`, rethrowing what it throws.
  void run(awaitable<void> coro) {
    bool done = false;
    asio::co_spawn(io, std::move(coro), [&](std::exception_ptr p) {
      done = true;
      if (p) std::rethrow_exception(p);
    });
    io.run();
    io.restart();
    EXPECT_TRUE(done);
  }

  SimDevices air;
  SimDevice& a = **air.add_device({.mac = kA});
  SimDevice& b = **air.add_device({.mac = kB});
  asio::io_context io;
  AIOESPNow ea{a.espnow(), io.get_executor()};
  AIOESPNow eb{b.espnow(), io.get_executor()};
};

}  // namespace

// ---- each operation with use_awaitable, a callback, use_future

TEST_F(Async, SendWithUseAwaitable) {
  run([&]() -> awaitable<void> {
    EXPECT_TRUE(co_await ea.async_send(kB, bytes("hi"), true, use_awaitable));
    EXPECT_TRUE(co_await ea.async_send(bytes("all"), use_awaitable));
  }());
  EXPECT_EQ(b.espnow().stats().rx_packets, 2u);
}

TEST_F(Async, SendWithACallback) {
  std::error_code got_ec = errc::internal;
  bool got = false;
  ea.async_send(kB, bytes("hi"), true, [&](std::error_code ec, bool ok) { got_ec = ec, got = ok; });
  EXPECT_FALSE(got);  // never completes inline
  io.run();
  EXPECT_FALSE(got_ec);
  EXPECT_TRUE(got);
}

TEST_F(Async, SendWithUseFuture) {
  auto work = asio::make_work_guard(io);
  std::thread runner([&] { io.run(); });
  // Success only: use_future turns an error into an exception held by the
  // future, shared across threads through libstdc++'s refcount, which TSan
  // cannot see (a false race). Errors are tested with the other tokens.
  auto f1 = ea.async_send(kB, bytes("hi"), true, asio::use_future);
  EXPECT_TRUE(f1.get());
  ASSERT_OK(ea->add_peer(kC));
  auto f3 = ea.async_send(kC, bytes("hi"), true, asio::use_future);  // now a peer nobody owns
  EXPECT_FALSE(f3.get());
  work.reset();
  runner.join();
}

TEST_F(Async, RecvWithUseAwaitableWaitsForAMessage) {
  run([&]() -> awaitable<void> {
    asio::steady_timer t(io, 5ms);
    t.async_wait([&](std::error_code) { (void)a.espnow().send(kB, bytes("later")); });
    auto [mac, msg] = co_await eb.async_recv(use_awaitable);  // a Message, unpacked as README shows
    EXPECT_EQ(mac, kA);
    EXPECT_EQ(text(msg), "later");
  }());
}

TEST_F(Async, RecvWithACallback) {
  Message got;
  eb.async_recv([&](std::error_code ec, Message m) {
    EXPECT_FALSE(ec);
    got = std::move(m);
  });
  (void)a.espnow().send(kB, bytes("cb"));
  io.run();
  EXPECT_EQ(text(got.msg), "cb");
}

TEST_F(Async, RecvWithUseFuture) {
  auto work = asio::make_work_guard(io);
  std::thread runner([&] { io.run(); });
  auto f = eb.async_recv(asio::use_future);
  (void)a.espnow().send(kB, bytes("fut"));
  EXPECT_EQ(text(f.get().msg), "fut");
  work.reset();
  runner.join();
}

TEST_F(Async, IrecvWithUseAwaitableReusesStorage) {
  (void)a.espnow().send(kB, bytes("one"));
  (void)a.espnow().send(kB, bytes("two"));
  run([&]() -> awaitable<void> {
    MessageView r1 = co_await eb.async_irecv(use_awaitable);
    EXPECT_EQ(text(r1.msg), "one");
    const auto* storage = r1.msg.data();
    MessageView r2 = co_await eb.async_irecv(use_awaitable);
    EXPECT_EQ(text(r2.msg), "two");
    EXPECT_EQ(r2.msg.data(), storage);
    EXPECT_EQ(*r2.mac, kA);
  }());
}

TEST_F(Async, IrecvWithACallbackAndWithUseFuture) {
  std::string got;
  eb.async_irecv([&](std::error_code ec, MessageView r) {
    EXPECT_FALSE(ec);
    got = text(r.msg);
  });
  (void)a.espnow().send(kB, bytes("cb"));
  io.run();
  io.restart();
  EXPECT_EQ(got, "cb");
  auto work = asio::make_work_guard(io);
  std::thread runner([&] { io.run(); });
  auto f = eb.async_irecv(asio::use_future);
  (void)a.espnow().send(kB, bytes("fut"));
  EXPECT_EQ(*f.get().mac, kA);
  work.reset();
  runner.join();
}

TEST_F(Async, DeferredAsTupleAndRedirectErrorWorkWithoutExceptions) {
  run([&]() -> awaitable<void> {
    auto op = ea.async_send(kB, bytes("d"), true, asio::experimental::deferred);
    EXPECT_TRUE(co_await std::move(op)(use_awaitable));
    auto [ec, ok] = co_await ea.async_send(kC, bytes("x"), true, asio::experimental::as_tuple(use_awaitable));
    EXPECT_EQ(ec, errc::not_found);
    EXPECT_FALSE(ok);
    std::error_code ec2;
    co_await ea.async_send(kC, bytes("x"), true, asio::redirect_error(use_awaitable, ec2));
    EXPECT_EQ(ec2, errc::not_found);
  }());
}

TEST_F(Async, AnextReadsLikeAsyncFor) {
  for (const char* m : {"a", "b", "halt"}) (void)a.espnow().send(kB, bytes(m));
  std::string seen;
  run([&]() -> awaitable<void> {
    for (;;) {  // async for mac, msg in e:
      auto [mac, msg] = co_await eb.anext();
      seen += text(msg);
      if (text(msg) == "halt") break;
    }
  }());
  EXPECT_EQ(seen, "abhalt");
}

TEST_F(Async, ErrorsComeThroughTheToken) {
  std::error_code got;
  ea.async_send(kB, {}, true, [&](std::error_code ec, bool) { got = ec; });
  io.run();
  EXPECT_EQ(got, errc::arg);
}

// One rule for send(msg) and async_send(msg): a later target on another
// channel raises CHAN once the earlier targets are sent (SPEC §1).
TEST_F(Async, ALaterTargetsErrorIsRaisedAsTheSyncFormRaisesIt) {
  ASSERT_OK(a.espnow().add_peer(kC, {.channel = 6}));  // the device is on channel 1
  EXPECT_EQ(a.espnow().send(bytes("all")).error(), errc::chan);
  std::error_code sync_ec;
  bool sync_ok = true;
  ea.async_send(bytes("all"), [&](std::error_code ec, bool ok) { sync_ec = ec, sync_ok = ok; });
  io.run();
  EXPECT_EQ(sync_ec, errc::chan);  // it completed False before: the two forms disagreed
  EXPECT_FALSE(sync_ok);
  EXPECT_EQ(a.espnow().send_to_all(bytes("all"), false).error(), errc::chan);
  EXPECT_EQ(b.espnow().stats().rx_packets, 3u);  // B, the earlier target, got every one
}

// ---- nothing blocks the executor

// The air's time, held still until the test lets it go: until then a frame
// stays on the air, so a sync send cannot complete. Then it runs instantly.
class HeldClock final : public Clock {
 public:
  std::chrono::nanoseconds now() const override { return std::chrono::nanoseconds(now_.load()); }
  void sleep_until(std::chrono::nanoseconds t) override {
    std::unique_lock lk(m_);
    cv_.wait(lk, [this] { return released_; });
    if (now_.load() < t.count()) now_ = t.count();
  }
  void release() {
    {
      std::lock_guard lk(m_);
      released_ = true;
    }
    cv_.notify_all();
  }

 private:
  std::atomic<std::chrono::nanoseconds::rep> now_{0};
  std::mutex m_;
  std::condition_variable cv_;
  bool released_ = false;
};

// While four sync sends to a peer that never answers are on the air, a 1 ms
// timer on the same executor ticks twenty times; only then does the air's
// time move. A send that blocked the executor would hold the ticker until the
// watchdog lets the air go, and the ticks would come after the results. The
// proof needs no wall-clock bound, so a loaded machine cannot fail it.
TEST(AsyncNonBlocking, ATimerKeepsTickingWhileSyncSendsWaitForAPeerThatNeverAcks) {
  HeldClock clock;
  SimDevices air({.timing = true, .clock = &clock});
  SimDevice& a = **air.add_device({.mac = kA});
  ASSERT_OK(a.espnow().active(true));
  ASSERT_OK(a.espnow().add_peer(kC));  // nobody owns kC
  std::promise<void> done;
  std::thread watchdog([&clock, finished = done.get_future()] {
    if (finished.wait_for(10s) == std::future_status::timeout) clock.release();
  });
  asio::io_context io;
  AIOESPNow e(a.espnow(), io.get_executor());
  int pending = 4, results_false = 0;
  for (int i = 0; i < 4; ++i)
    e.async_send(kC, bytes("ping"), true, [&](std::error_code ec, bool ok) {
      EXPECT_FALSE(ec);
      results_false += ok ? 0 : 1;
      --pending;
    });
  asio::steady_timer tick(io);
  int ticks = 0, pending_after_20_ticks = -1;
  std::function<void(std::error_code)> on_tick = [&](std::error_code) {
    if (++ticks == 20) {
      pending_after_20_ticks = pending;
      clock.release();
    }
    if (pending > 0 || ticks < 20) {
      tick.expires_after(1ms);
      tick.async_wait(on_tick);
    }
  };
  tick.expires_after(1ms);
  tick.async_wait(on_tick);
  io.run();
  done.set_value();
  watchdog.join();
  EXPECT_EQ(pending_after_20_ticks, 4) << "the executor was blocked while sends waited for an ACK";
  EXPECT_EQ(results_false, 4);
}

// ---- concurrency

TEST_F(Async, EightSendersAndFourReceiversAccountForEveryMessageExactlyOnce) {
  ASSERT_OK(a.espnow().add_peer(kC));  // absent: its sends must report false
  constexpr int kSenders = 8, kPerSender = 1000, kReceivers = 4;
  std::map<std::uint32_t, int> received;
  int wrong_results = 0, done_senders = 0, total = 0;
  const int expected = kSenders / 2 * kPerSender;
  // Receivers wait forever; stop the loop once everything is accounted for.
  auto maybe_stop = [&] {
    if (total == expected && done_senders == kSenders) io.stop();
  };
  auto sender = [&](std::uint32_t id) -> awaitable<void> {
    const MacAddress dst = id % 2 ? kC : kB;
    for (std::uint32_t i = 0; i < kPerSender; ++i) {
      const std::uint32_t tag = id << 16 | i;
      const bool ok = co_await ea.async_send(dst, {reinterpret_cast<const std::uint8_t*>(&tag), 4}, true,
                                             use_awaitable);
      if (ok != (dst == kB)) ++wrong_results;  // the ACK truth of the air
    }
    ++done_senders;
    maybe_stop();
  };
  auto receiver = [&]() -> awaitable<void> {
    for (;;) {
      Message m = co_await eb.async_recv(use_awaitable);
      std::uint32_t tag;
      std::memcpy(&tag, m.msg.data(), 4);
      ++received[tag];
      ++total;
      maybe_stop();
    }
  };
  for (std::uint32_t i = 0; i < kSenders; ++i) asio::co_spawn(io, sender(i), asio::detached);
  for (int i = 0; i < kReceivers; ++i) asio::co_spawn(io, receiver(), asio::detached);
  io.run();
  EXPECT_EQ(done_senders, kSenders);
  EXPECT_EQ(wrong_results, 0);
  EXPECT_EQ(static_cast<int>(received.size()), expected);
  for (auto& [tag, n] : received) EXPECT_EQ(n, 1) << "tag " << tag;
  EXPECT_EQ(b.espnow().stats().rx_dropped, 0u);
}

// Sync sends that wait for sync=False sends' reports, on an executor run by
// two threads: each waiting send is handed between its timer and the reports'
// wake (TSan checks the hand-over); every message arrives, every sync send
// completes true.
TEST_F(Async, SyncAndUnsyncedSendsFromTwoExecutorThreadsAllComplete) {
  constexpr int kSenders = 4, kPerSender = 200;
  std::atomic<int> wrong{0}, finished{0};
  auto sender = [&]() -> awaitable<void> {
    for (int i = 0; i < kPerSender; ++i) {
      const bool sync = i % 2;
      auto [ec, ok] = co_await ea.async_send(kB, bytes("m"), sync, asio::experimental::as_tuple(use_awaitable));
      if (ec || !ok) ++wrong;
    }
    ++finished;
  };
  for (int i = 0; i < kSenders; ++i) asio::co_spawn(io, sender(), asio::detached);
  std::thread second([&] { io.run(); });
  io.run();
  second.join();
  EXPECT_EQ(finished.load(), kSenders);
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_TRUE(a.espnow().writable());  // each sender's last send was sync: nothing is owed
  EXPECT_EQ(b.espnow().stats().rx_packets, std::uint64_t{kSenders * kPerSender});
}

// ---- cancellation

TEST_F(Async, ATimedOutReceiveConsumesNoMessage) {
  using namespace asio::experimental::awaitable_operators;
  run([&]() -> awaitable<void> {
    asio::steady_timer timer(io, 10ms);
    auto first = co_await (eb.async_recv(use_awaitable) || timer.async_wait(use_awaitable));
    EXPECT_EQ(first.index(), 1u);  // the timer won; the receive was cancelled
    (void)a.espnow().send(kB, bytes("after"));
    Message m = co_await eb.async_recv(use_awaitable);
    EXPECT_EQ(text(m.msg), "after");
  }());
  EXPECT_EQ(b.espnow().stats().rx_packets, 1u);
}

TEST_F(Async, ACancelledReceiveCompletesWithOperationAborted) {
  asio::cancellation_signal signal;
  std::error_code got;
  eb.async_irecv(asio::bind_cancellation_slot(signal.slot(), [&](std::error_code ec, MessageView) { got = ec; }));
  asio::post(io, [&] { signal.emit(asio::cancellation_type::all); });
  io.run();
  EXPECT_EQ(got, asio::error::operation_aborted);
  EXPECT_FALSE(*b.espnow().any());
}

TEST_F(Async, DeactivatingEndsWaitingReceivesWithNotInitAsItEndsABlockedRecv) {
  std::error_code fresh, view;
  eb.async_recv([&](std::error_code ec, Message) { fresh = ec; });
  eb.async_irecv([&](std::error_code ec, MessageView) { view = ec; });
  asio::post(io, [&] { EXPECT_OK(b.espnow().active(false)); });
  io.run_for(10s);  // returns once both receives have completed (without the fix they wait on)
  EXPECT_EQ(fresh, errc::not_init);
  EXPECT_EQ(view, errc::not_init);
}

TEST(AsyncCancel, ACancelledSendLeavesStatsConsistent) {
  SimDevices air({.timing = true});
  SimDevice& a = **air.add_device({.mac = kA});
  ASSERT_OK(a.espnow().active(true));
  ASSERT_OK(a.espnow().add_peer(kC));
  asio::io_context io;
  AIOESPNow e(a.espnow(), io.get_executor());
  asio::cancellation_signal signal;
  std::error_code got;
  e.async_send(kC, bytes("x"), true,
               asio::bind_cancellation_slot(signal.slot(), [&](std::error_code ec, bool) { got = ec; }));
  asio::post(io, [&] { signal.emit(asio::cancellation_type::all); });
  io.run();
  EXPECT_EQ(got, asio::error::operation_aborted);
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!a.espnow().writable() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
  const Stats s = a.espnow().stats();
  EXPECT_EQ(s.tx_pkts, 1u);
  EXPECT_EQ(s.tx_responses, 1u);
  EXPECT_EQ(s.tx_failures, 1u);
}

TEST(AsyncCancel, DestroyingTheObjectCompletesPendingOperationsWithOperationAborted) {
  SimDevices air({.timing = true});
  SimDevice& a = **air.add_device({.mac = kA});
  ASSERT_OK(a.espnow().active(true));
  ASSERT_OK(a.espnow().add_peer(kC));
  asio::io_context io;
  std::vector<std::error_code> results;
  {
    AIOESPNow e(a.espnow(), io.get_executor());
    e.async_recv([&](std::error_code ec, Message) { results.push_back(ec); });
    e.async_irecv([&](std::error_code ec, MessageView) { results.push_back(ec); });
    e.async_send(kC, bytes("x"), true, [&](std::error_code ec, bool) { results.push_back(ec); });
  }
  io.run();
  ASSERT_EQ(results.size(), 3u);
  for (auto ec : results) EXPECT_EQ(ec, asio::error::operation_aborted);
  // The frame still in the radio reports later; nothing is left to call.
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!a.espnow().writable() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
  EXPECT_TRUE(a.espnow().writable());
}

// ---- the 100 ms rule (docs/behaviour.md, Sending), as ESPNow::send keeps it

// A link that holds each send's report until the test releases it, and a
// manual clock: the ESPNow's time moves only when the test says. The sync
// send's timer looks again every (real) millisecond, so io.run_one() is one look.
class AsyncOutstanding : public ::testing::Test {
 protected:
  AsyncOutstanding() {
    EXPECT_OK(e.active(true));
    EXPECT_OK(e.add_peer(kB));
  }
  // A sync async_send of "y"; `done` once it completes.
  void send_sync() {
    ae.async_send(kB, bytes("y"), true, [this](std::error_code ec, bool ok) { got_ec = ec, got_ok = ok, done = true; });
  }

  test::FakeLink link;
  test::ManualClock clock;
  ESPNow e{link, clock};
  asio::io_context io;
  AIOESPNow ae{e, io.get_executor()};
  std::error_code got_ec = errc::internal;
  bool got_ok = false, done = false;
};

TEST_F(AsyncOutstanding, ASyncSendWaitsForAnEarlierSendsReportThatComesWithin100ms) {
  bool async_done = false;
  ae.async_send(kB, bytes("x"), false, [&](std::error_code ec, bool ok) { async_done = !ec && ok; });
  const auto t0 = clock.now();
  send_sync();
  io.poll();
  io.run_one();  // a look: "x" still owes its report
  EXPECT_TRUE(async_done);
  EXPECT_EQ(link.sends, 1) << "the sync send went out while a report was owed";
  clock.advance(50ms);
  link.report();  // "x" reports: this object's own report wakes the waiting send at once
  io.poll();
  EXPECT_EQ(link.sends, 2);
  EXPECT_FALSE(done);  // now it waits for its own report
  link.report();
  io.run();
  EXPECT_TRUE(done);
  EXPECT_FALSE(got_ec);
  EXPECT_TRUE(got_ok);
  EXPECT_EQ(clock.now() - t0, 50ms);
}

// A report owed by a send made through the ESPNow itself (not this object)
// is seen at the next look.
TEST_F(AsyncOutstanding, ASyncSendSeesAReportOwedByTheESPNowItself) {
  EXPECT_TRUE(*ae->send(kB, bytes("x"), false));
  send_sync();
  io.run_one();
  EXPECT_EQ(link.sends, 1);
  clock.advance(99ms);
  link.report();
  io.run_one();  // the next look sends
  EXPECT_EQ(link.sends, 2);
  link.report();
  io.run();
  EXPECT_FALSE(got_ec);
  EXPECT_TRUE(got_ok);
}

// The rule measured exactly: still waiting at 99 ms, ETIMEDOUT at 100 ms, and
// nothing sent.
TEST_F(AsyncOutstanding, ReportsThatNeverComeAreEtimedoutAfterExactly100ms) {
  EXPECT_TRUE(*ae->send(kB, bytes("x"), false));  // its report is held back
  const auto t0 = clock.now();
  send_sync();
  clock.advance(99ms);
  io.run_one();
  io.run_one();
  EXPECT_FALSE(done);
  clock.advance(1ms);
  io.run();  // the next look is at 100 ms
  ASSERT_TRUE(done);
  EXPECT_EQ(got_ec, std::errc::timed_out);  // what ESPNow::send returns
  EXPECT_EQ(got_ec.value(), 110);
  EXPECT_FALSE(got_ok);
  EXPECT_EQ(clock.now() - t0, 100ms);
  EXPECT_EQ(link.sends, 1);
  EXPECT_EQ(e.stats().tx_pkts, 1u);
  link.report();
  EXPECT_TRUE(e.writable());
}

// Cancelled while it waits, it completes with operation_aborted at once and
// leaves at its next look, as a send waiting for room does; the clock never
// moves, so only the cancellation can end io.run().
TEST_F(AsyncOutstanding, CancellingTheWaitAbortsItAndSendsNothing) {
  EXPECT_TRUE(*ae->send(kB, bytes("x"), false));
  asio::cancellation_signal signal;
  ae.async_send(kB, bytes("y"), true, asio::bind_cancellation_slot(signal.slot(), [&](std::error_code ec, bool ok) {
                  got_ec = ec, got_ok = ok, done = true;
                }));
  io.run_one();
  asio::post(io, [&] { signal.emit(asio::cancellation_type::all); });
  io.run();
  EXPECT_EQ(got_ec, asio::error::operation_aborted);
  EXPECT_EQ(clock.now(), 0ns);
  EXPECT_EQ(link.sends, 1);
  link.report();
  EXPECT_TRUE(e.writable());
  // Nothing of it is left: the next sync send goes at once.
  io.restart();
  done = false;
  send_sync();
  io.poll();
  EXPECT_EQ(link.sends, 2);
  link.report();
  io.run();
  EXPECT_TRUE(done);
  EXPECT_TRUE(got_ok);
}

// Sync sends waiting together go oldest first, each once the one before it
// has reported; a sync=False send does not wait.
TEST_F(AsyncOutstanding, WaitingSyncSendsGoInTheOrderTheyWereMade) {
  EXPECT_TRUE(*ae->send(kB, bytes("x"), false));
  std::vector<int> order;
  for (int i = 0; i < 3; ++i)
    ae.async_send(kB, bytes("y"), true, [&order, i](std::error_code ec, bool) {
      if (!ec) order.push_back(i);
    });
  bool async_done = false;
  ae.async_send(kB, bytes("z"), false, [&](std::error_code ec, bool) { async_done = !ec; });
  io.poll();
  EXPECT_TRUE(async_done);
  EXPECT_EQ(link.sends, 2);  // "x" and "z"
  link.report();             // "x"
  link.report();             // "z": nothing is owed now
  for (int sent = 3; sent <= 5; ++sent) {
    io.poll();
    EXPECT_EQ(link.sends, sent);  // one more sync send, the others wait for its report
    link.report();
  }
  io.run();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2}));
  EXPECT_TRUE(e.writable());
}
