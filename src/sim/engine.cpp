#include "espnow/sim/engine.hpp"

#include <algorithm>
#include <utility>

namespace espnow::sim {

EventId Engine::at(Time when, Action action) {
  std::uint32_t slot;
  if (free_.empty()) {
    slot = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  } else {
    slot = free_.back();
    free_.pop_back();
  }
  const std::uint64_t seq = next_seq_++;
  slots_[slot].action = std::move(action);
  slots_[slot].seq = seq;
  heap_.push_back(Entry{std::max(when, now_), seq, slot});
  std::push_heap(heap_.begin(), heap_.end(), later);
  ++pending_;
  return EventId{seq, slot};
}

bool Engine::cancel(EventId id) noexcept {
  if (!id || id.slot >= slots_.size() || slots_[id.slot].seq != id.seq) return false;
  // The heap entry stays and is skipped when it surfaces; the action (and
  // what it captured) goes now.
  slots_[id.slot].seq = 0;
  slots_[id.slot].action = nullptr;
  --pending_;
  return true;
}

void Engine::release(std::uint32_t slot) {
  slots_[slot].seq = 0;
  free_.push_back(slot);
}

bool Engine::step() {
  while (!heap_.empty()) {
    std::pop_heap(heap_.begin(), heap_.end(), later);
    const Entry e = heap_.back();
    heap_.pop_back();
    Slot& s = slots_[e.slot];
    if (s.seq != e.seq) {  // cancelled: its slot is free once its entry is gone
      if (s.seq == 0 && !s.action) free_.push_back(e.slot);
      continue;
    }
    Action action = std::move(s.action);
    s.action = nullptr;
    release(e.slot);
    --pending_;
    now_ = e.when;
    ++events_run_;
    action();
    return true;
  }
  return false;
}

void Engine::drop_cancelled_tops() {
  while (!heap_.empty()) {
    const Entry& top = heap_.front();
    if (slots_[top.slot].seq == top.seq) return;
    std::pop_heap(heap_.begin(), heap_.end(), later);
    const std::uint32_t slot = heap_.back().slot;
    heap_.pop_back();
    if (slots_[slot].seq == 0 && !slots_[slot].action) free_.push_back(slot);
  }
}

void Engine::run_until(Time until) {
  for (drop_cancelled_tops(); !heap_.empty() && heap_.front().when <= until; drop_cancelled_tops()) step();
  now_ = std::max(now_, until);
}

bool Engine::next_event_time(Time& when) {
  drop_cancelled_tops();
  if (heap_.empty()) return false;
  when = heap_.front().when;
  return true;
}

void Engine::run() {
  while (step()) {
  }
}

}  // namespace espnow::sim
