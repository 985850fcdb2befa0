#include "outbox.hpp"

namespace espnow::gateway {

void Outbox::push(OutboxEntry entry) {
  if (max_entries_ == 0) {  // nothing may wait: the newest goes too
    ++drops_.full;
    if (on_drop) on_drop(entry);
    return;
  }
  while (entries_.size() >= max_entries_) {
    if (on_drop) on_drop(entries_.front());
    entries_.pop_front();
    ++drops_.full;
  }
  entries_.push_back(std::move(entry));
}

void Outbox::expire(double now_s) {
  while (!entries_.empty() && now_s - entries_.front().queued_at_s > max_age_s_) {
    if (on_drop) on_drop(entries_.front());
    entries_.pop_front();
    ++drops_.too_old;
  }
}

}  // namespace espnow::gateway
