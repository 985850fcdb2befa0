// The send side of ESPNow as a plain class: which sends still owe a report,
// in the link's order, which ticket each belongs to, the stats() counters,
// and the 100 ms rule of send(sync=True). Driven by events (a send reserved,
// withdrawn, reported, given up; the link stopped) and given the time; no
// locks, waits or clock reads: ESPNow's shell guards it, waits on what it
// returns and runs the completions it hands back.
#pragma once

#include <chrono>
#include <cstdint>
#include <system_error>
#include <vector>

#include "espnow/api/espnow.hpp"
#include "espnow/api/sync_send_wait.hpp"
#include "wait_step.hpp"

namespace espnow::detail {

// A ticket that has just completed. `on_done` was read before the ticket was
// marked done (a sync waiter may free it at that moment); run() it with no
// lock held.
struct TicketCompletion {
  void (*on_done)(SendTicket*) = nullptr;
  SendTicket* ticket = nullptr;
  void run() const {
    if (on_done) on_done(ticket);
  }
};

struct SendCounters {
  std::uint64_t tx_pkts = 0, tx_responses = 0, tx_failures = 0;
};

class SendTracker {
 public:
  static constexpr std::size_t kDefaultCapacity = 64;  // reports owed at once

  // Sizes the queue (allocates; at activation) and forgets what was owed.
  void reset(std::size_t capacity = kDefaultCapacity);

  // A ticket about to be sent to `targets` targets.
  static void begin(SendTicket& ticket, int targets);

  // A send is about to go to the link, for `ticket` (nullptr: nobody waits
  // on it). False when the queue is full: NO_MEM, as the link would say.
  bool reserve(SendTicket* ticket);
  // The link refused the send just reserved: it was never sent.
  void withdraw();
  // The link reported its oldest send.
  TicketCompletion on_status(SendStatus status);
  // The last `count` targets of `ticket` will not be sent: with `error`, the
  // ticket fails with it once its other targets have reported.
  TicketCompletion give_up(SendTicket& ticket, int count, std::error_code error);
  // The link was stopped: the reports it owes will never come, and count as
  // failures so the counters balance. `out(TicketCompletion)` per ticket.
  template <class Out>
  void fail_all(Out&& out) {
    while (count_ > 0) out(on_status(SendStatus::fail));
  }
  // A waiter that gave up on `ticket`: its sends in flight stay queued (the
  // counters and the order stay right) but no longer refer to it.
  void forget(const SendTicket& ticket);

  // No report owed: writable(), and what the 100 ms rule waits for.
  bool caught_up() const { return counters_.tx_responses >= counters_.tx_pkts; }
  // The 100 ms rule (SyncSendWait): a sync send starting at `start` waits
  // for the reports owed until start + 100 ms, then it is ETIMEDOUT.
  static std::chrono::nanoseconds sync_deadline(std::chrono::nanoseconds start) {
    return SyncSendWait(start).deadline();
  }
  WaitStep sync_wait(std::chrono::nanoseconds deadline, std::chrono::nanoseconds now) const {
    return WaitStep::toward(caught_up(), deadline, now);
  }
  // A sync send waits for its ticket with no time limit.
  static WaitStep ticket_wait(const SendTicket& ticket) { return WaitStep::toward(ticket.done, std::nullopt, {}); }

  const SendCounters& counters() const { return counters_; }
  std::size_t owed() const { return count_; }

 private:
  // The one place a ticket completes.
  static TicketCompletion settle(SendTicket& ticket, int count, bool failed);

  std::vector<SendTicket*> pending_;  // ring, sized by reset()
  std::size_t head_ = 0, count_ = 0;
  SendCounters counters_;
};

}  // namespace espnow::detail
