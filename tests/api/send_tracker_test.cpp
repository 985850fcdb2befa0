// The send tracker and the NO_MEM retry policy, driven by hand: events in,
// decisions out, time advanced on a manual clock. No threads, no sleeps.
#include <gtest/gtest.h>

#include "api/send_tracker.hpp"
#include "espnow/api/no_mem_retry.hpp"
#include "espnow/api/sync_send_wait.hpp"
#include "support/manual_clock.hpp"

using namespace espnow;
using namespace espnow::detail;
using namespace std::chrono_literals;

namespace {

int g_done_calls = 0;
SendTicket* g_done_ticket = nullptr;
void count_done(SendTicket* t) { ++g_done_calls, g_done_ticket = t; }

struct Tracker : ::testing::Test {
  Tracker() { tracker.reset(4); }
  SendTracker tracker;
  test::ManualClock clock;
};

}  // namespace

// ---- reports and tickets

TEST_F(Tracker, ReportsCompleteTicketsInTheOrderTheirSendsWereReserved) {
  SendTicket first, second;
  SendTracker::begin(first, 1);
  SendTracker::begin(second, 1);
  ASSERT_TRUE(tracker.reserve(&first));
  ASSERT_TRUE(tracker.reserve(&second));
  EXPECT_EQ(tracker.on_status(SendStatus::success).ticket, &first);
  EXPECT_TRUE(first.done);
  EXPECT_FALSE(first.failed);
  EXPECT_FALSE(second.done);
  EXPECT_EQ(tracker.on_status(SendStatus::fail).ticket, &second);
  EXPECT_TRUE(second.failed);
  EXPECT_EQ(tracker.counters().tx_pkts, 2u);
  EXPECT_EQ(tracker.counters().tx_responses, 2u);
  EXPECT_EQ(tracker.counters().tx_failures, 1u);
}

TEST_F(Tracker, ATicketOfThreeTargetsCompletesOnItsThirdReportAndFailsIfAnyFailed) {
  SendTicket t;
  SendTracker::begin(t, 3);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(tracker.reserve(&t));
  EXPECT_EQ(tracker.on_status(SendStatus::success).ticket, nullptr);
  EXPECT_EQ(tracker.on_status(SendStatus::fail).ticket, nullptr);
  EXPECT_FALSE(t.done);
  EXPECT_EQ(tracker.on_status(SendStatus::success).ticket, &t);
  EXPECT_TRUE(t.done);
  EXPECT_TRUE(t.failed);
}

TEST_F(Tracker, TheCompletionCarriesOnDoneReadBeforeTheTicketWasMarkedDone) {
  SendTicket t;
  SendTracker::begin(t, 1);
  t.on_done = &count_done;
  ASSERT_TRUE(tracker.reserve(&t));
  g_done_calls = 0;
  const TicketCompletion c = tracker.on_status(SendStatus::success);
  EXPECT_EQ(g_done_calls, 0);  // the shell runs it, outside its locks
  EXPECT_EQ(c.on_done, &count_done);
  c.run();
  EXPECT_EQ(g_done_calls, 1);
  EXPECT_EQ(g_done_ticket, &t);
}

TEST_F(Tracker, ASendNobodyWaitsForIsCountedAndCompletesNothing) {
  ASSERT_TRUE(tracker.reserve(nullptr));
  EXPECT_FALSE(tracker.caught_up());
  const TicketCompletion c = tracker.on_status(SendStatus::success);
  EXPECT_EQ(c.ticket, nullptr);
  EXPECT_TRUE(tracker.caught_up());
}

TEST_F(Tracker, AFullQueueRefusesAReservationAsNoMemUntilAReportMakesRoom) {
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(tracker.reserve(nullptr));
  EXPECT_FALSE(tracker.reserve(nullptr));
  EXPECT_EQ(tracker.counters().tx_pkts, 4u);
  (void)tracker.on_status(SendStatus::success);
  EXPECT_TRUE(tracker.reserve(nullptr));
}

TEST_F(Tracker, AWithdrawnSendWasNeverSentAndIsNotCounted) {
  SendTicket t;
  SendTracker::begin(t, 1);
  ASSERT_TRUE(tracker.reserve(&t));
  tracker.withdraw();  // the link refused it
  EXPECT_EQ(tracker.counters().tx_pkts, 0u);
  EXPECT_EQ(tracker.owed(), 0u);
  EXPECT_TRUE(tracker.caught_up());
}

TEST_F(Tracker, TargetsGivenUpWithAnErrorCompleteTheTicketWithItOnceTheOthersReport) {
  SendTicket t;
  SendTracker::begin(t, 3);
  t.on_done = &count_done;
  ASSERT_TRUE(tracker.reserve(&t));  // the first target went out; the second was CHAN
  EXPECT_EQ(tracker.give_up(t, 2, make_error_code(errc::chan)).ticket, nullptr);
  EXPECT_TRUE(t.failed);
  EXPECT_FALSE(t.done);
  const TicketCompletion c = tracker.on_status(SendStatus::success);
  EXPECT_EQ(c.ticket, &t);
  EXPECT_EQ(t.error, errc::chan);
  EXPECT_TRUE(t.failed);
}

TEST_F(Tracker, GivingUpTheLastTargetsCompletesATicketWhoseOthersAlreadyReported) {
  SendTicket t;
  SendTracker::begin(t, 2);
  ASSERT_TRUE(tracker.reserve(&t));
  (void)tracker.on_status(SendStatus::success);
  EXPECT_EQ(tracker.give_up(t, 1, make_error_code(errc::intf)).ticket, &t);
  EXPECT_TRUE(t.done);
}

TEST_F(Tracker, AForgottenTicketIsNoLongerTouchedButItsReportsStillCount) {
  SendTicket t;
  SendTracker::begin(t, 2);
  ASSERT_TRUE(tracker.reserve(&t));
  ASSERT_TRUE(tracker.reserve(&t));
  tracker.forget(t);
  EXPECT_EQ(tracker.on_status(SendStatus::fail).ticket, nullptr);
  EXPECT_EQ(tracker.on_status(SendStatus::success).ticket, nullptr);
  EXPECT_EQ(t.remaining, 2);
  EXPECT_FALSE(t.failed);
  EXPECT_EQ(tracker.counters().tx_responses, 2u);
  EXPECT_EQ(tracker.counters().tx_failures, 1u);
}

TEST_F(Tracker, StoppingTheLinkFailsEveryOwedReportAndCompletesTheirTickets) {
  SendTicket a, b;
  SendTracker::begin(a, 1);
  SendTracker::begin(b, 2);
  ASSERT_TRUE(tracker.reserve(&a));
  ASSERT_TRUE(tracker.reserve(&b));
  ASSERT_TRUE(tracker.reserve(&b));
  std::vector<SendTicket*> completed;
  tracker.fail_all([&](TicketCompletion c) {
    if (c.ticket) completed.push_back(c.ticket);
  });
  EXPECT_EQ(completed, (std::vector<SendTicket*>{&a, &b}));
  EXPECT_TRUE(a.failed && b.failed);
  EXPECT_TRUE(tracker.caught_up());
  EXPECT_EQ(tracker.counters().tx_failures, 3u);
}

TEST_F(Tracker, ResetForgetsWhatWasOwedButKeepsTheCounters) {
  ASSERT_TRUE(tracker.reserve(nullptr));
  (void)tracker.on_status(SendStatus::success);
  ASSERT_TRUE(tracker.reserve(nullptr));
  tracker.reset(2);
  EXPECT_EQ(tracker.owed(), 0u);
  EXPECT_EQ(tracker.counters().tx_pkts, 2u);
  EXPECT_TRUE(tracker.reserve(nullptr));
  EXPECT_TRUE(tracker.reserve(nullptr));
  EXPECT_FALSE(tracker.reserve(nullptr));
}

// ---- the 100 ms rule

TEST_F(Tracker, TheSyncWaitIsOverAtOnceWhenNoReportIsOwed) {
  const auto deadline = SendTracker::sync_deadline(clock.now());
  EXPECT_EQ(tracker.sync_wait(deadline, clock.now()).kind, WaitStep::ready);
}

TEST_F(Tracker, TheSyncWaitWaitsUntilExactly100msAfterItStartedThenTimesOut) {
  ASSERT_TRUE(tracker.reserve(nullptr));
  clock.advance(5s);
  const auto start = clock.now();
  const auto deadline = SendTracker::sync_deadline(start);
  WaitStep step = tracker.sync_wait(deadline, clock.now());
  EXPECT_EQ(step.kind, WaitStep::wait);
  EXPECT_EQ(step.until, start + 100ms);
  clock.advance(99ms);
  EXPECT_EQ(tracker.sync_wait(deadline, clock.now()).kind, WaitStep::wait);
  clock.advance(1ms);
  EXPECT_EQ(tracker.sync_wait(deadline, clock.now()).kind, WaitStep::timed_out);
}

TEST_F(Tracker, TheSyncWaitEndsWhenTheLastOwedReportArrivesBeforeTheDeadline) {
  ASSERT_TRUE(tracker.reserve(nullptr));
  const auto deadline = SendTracker::sync_deadline(clock.now());
  clock.advance(60ms);
  (void)tracker.on_status(SendStatus::fail);
  EXPECT_EQ(tracker.sync_wait(deadline, clock.now()).kind, WaitStep::ready);
}

TEST_F(Tracker, ASyncSendWaitsForItsTicketWithNoLimit) {
  SendTicket t;
  SendTracker::begin(t, 1);
  ASSERT_TRUE(tracker.reserve(&t));
  const WaitStep step = SendTracker::ticket_wait(t);
  EXPECT_EQ(step.kind, WaitStep::wait);
  EXPECT_FALSE(step.until);
  (void)tracker.on_status(SendStatus::success);
  EXPECT_EQ(SendTracker::ticket_wait(t).kind, WaitStep::ready);
}

// The rule as a poller (the Python aioespnow's event loop) asks it: the same
// deadline the tracker's blocking wait has.
TEST(SyncSendWaitPolicy, APollerLooksEveryMillisecondUntilThe100msAreOverThenItIsTimedOut) {
  test::ManualClock clock;
  clock.advance(3s);
  const auto start = clock.now();
  SyncSendWait wait(start);
  EXPECT_EQ(wait.deadline(), SendTracker::sync_deadline(start));
  int looks = 1;
  while (auto at = wait.look_at(clock.now())) {
    EXPECT_EQ(*at, clock.now() + 1ms);
    clock.sleep_until(*at);
    ++looks;
  }
  EXPECT_TRUE(wait.expired(clock.now()));
  EXPECT_EQ(clock.now() - start, 100ms);
  EXPECT_EQ(looks, 101);  // at 0, 1, ..., 100 ms
}

TEST(SyncSendWaitPolicy, TheLastLookFallsOnTheDeadlineNotPastIt) {
  SyncSendWait wait(0ns);
  EXPECT_EQ(wait.look_at(99'500us), 100ms);
  EXPECT_FALSE(wait.expired(99'999us));
  EXPECT_FALSE(wait.look_at(100ms));
}

// ---- the 2 s rule

TEST(NoMemRetryPolicy, NoMemIsRetriedEveryMillisecondUntilTwoSecondsHavePassed) {
  test::ManualClock clock;
  clock.advance(10s);
  const auto start = clock.now();
  NoMemRetry retry(start);
  const std::error_code no_mem = errc::no_mem;
  int attempts = 1;
  while (auto at = retry.retry_at(no_mem, clock.now())) {
    EXPECT_EQ(*at, clock.now() + 1ms);
    clock.sleep_until(*at);
    ++attempts;
  }
  EXPECT_EQ(clock.now() - start, 2s);
  EXPECT_EQ(attempts, 2001);  // at 0, 1, ..., 2000 ms
}

TEST(NoMemRetryPolicy, TheLastRetryFallsOnTheDeadlineNotPastIt) {
  NoMemRetry retry(0ns);
  EXPECT_EQ(retry.retry_at(errc::no_mem, 1999'500us), 2s);
}

TEST(NoMemRetryPolicy, SuccessAndOtherErrorsAreNeverRetried) {
  NoMemRetry retry(0ns);
  EXPECT_FALSE(retry.retry_at({}, 0ns));
  EXPECT_FALSE(retry.retry_at(errc::not_found, 0ns));
  EXPECT_FALSE(retry.retry_at(std::make_error_code(std::errc::timed_out), 0ns));
  EXPECT_TRUE(retry.retry_at(errc::no_mem, 0ns));
}
