#include "send_tracker.hpp"

namespace espnow::detail {

void SendTracker::reset(std::size_t capacity) {
  pending_.assign(capacity, nullptr);
  head_ = count_ = 0;
}

void SendTracker::begin(SendTicket& ticket, int targets) {
  ticket.remaining = targets;
  ticket.failed = ticket.done = false;
  ticket.error = {};
}

bool SendTracker::reserve(SendTicket* ticket) {
  if (count_ == pending_.size()) return false;
  pending_[(head_ + count_) % pending_.size()] = ticket;
  ++count_;
  ++counters_.tx_pkts;
  return true;
}

void SendTracker::withdraw() {
  if (count_ > 0) --count_;  // the newest entry: nothing was reserved after it
  --counters_.tx_pkts;
}

TicketCompletion SendTracker::on_status(SendStatus status) {
  const bool failed = status == SendStatus::fail;
  ++counters_.tx_responses;
  if (failed) ++counters_.tx_failures;
  if (count_ == 0) return {};  // a report for nothing we sent (a link's stray)
  SendTicket* t = pending_[head_];
  head_ = (head_ + 1) % pending_.size();
  --count_;
  return t ? settle(*t, 1, failed) : TicketCompletion{};
}

TicketCompletion SendTracker::give_up(SendTicket& ticket, int count, std::error_code error) {
  if (error) ticket.error = error;
  return settle(ticket, count, static_cast<bool>(error));
}

void SendTracker::forget(const SendTicket& ticket) {
  for (std::size_t i = 0; i < count_; ++i) {
    SendTicket*& p = pending_[(head_ + i) % pending_.size()];
    if (p == &ticket) p = nullptr;
  }
}

TicketCompletion SendTracker::settle(SendTicket& ticket, int count, bool failed) {
  if (failed) ticket.failed = true;
  ticket.remaining -= count;
  if (ticket.remaining > 0) return {};
  TicketCompletion c{ticket.on_done, &ticket};  // before `done`: a waiter may free the ticket
  ticket.done = true;
  return c;
}

}  // namespace espnow::detail
