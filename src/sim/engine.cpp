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
  std::push_heap(heap_.begin(), heap_.end(), later<Entry>);
  ++pending_;
  return EventId{seq, slot};
}

void Engine::add(EventSequence& sequence, Time when, std::uint64_t seq, std::uint64_t events) {
  if (events == 0) return;
  sequences_.push_back(SequenceEntry{std::max(when, now_), seq, &sequence});
  std::push_heap(sequences_.begin(), sequences_.end(), later<SequenceEntry>);
  pending_ += events;
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

bool Engine::sequence_first() const noexcept {
  if (sequences_.empty()) return false;
  if (heap_.empty()) return true;
  const SequenceEntry& s = sequences_.front();
  const Entry& c = heap_.front();
  return s.when != c.when ? s.when < c.when : s.seq < c.seq;
}

void Engine::run_closure() {
  std::pop_heap(heap_.begin(), heap_.end(), later<Entry>);
  const Entry e = heap_.back();
  heap_.pop_back();
  Slot& s = slots_[e.slot];
  Action action = std::move(s.action);
  s.action = nullptr;
  release(e.slot);
  --pending_;
  now_ = e.when;
  ++events_run_;
  action();
}

void Engine::run_sequence() {
  // Off the heap while it runs: the event may schedule (or run) others.
  std::pop_heap(sequences_.begin(), sequences_.end(), later<SequenceEntry>);
  SequenceEntry e = sequences_.back();
  sequences_.pop_back();
  --pending_;
  now_ = e.when;
  ++events_run_;
  if (!e.sequence->fire(e.when, e.seq)) return;
  sequences_.push_back(e);
  std::push_heap(sequences_.begin(), sequences_.end(), later<SequenceEntry>);
}

bool Engine::step() {
  drop_cancelled_tops();
  if (sequence_first()) {
    run_sequence();
    return true;
  }
  if (heap_.empty()) return false;
  run_closure();
  return true;
}

void Engine::drop_cancelled_tops() {
  while (!heap_.empty()) {
    const Entry& top = heap_.front();
    if (slots_[top.slot].seq == top.seq) return;
    std::pop_heap(heap_.begin(), heap_.end(), later<Entry>);
    const std::uint32_t slot = heap_.back().slot;
    heap_.pop_back();
    if (slots_[slot].seq == 0 && !slots_[slot].action) free_.push_back(slot);
  }
}

bool Engine::next_event_time(Time& when) {
  drop_cancelled_tops();
  if (sequence_first()) {
    when = sequences_.front().when;
    return true;
  }
  if (heap_.empty()) return false;
  when = heap_.front().when;
  return true;
}

void Engine::run_until(Time until) {
  for (Time next; next_event_time(next) && next <= until;) step();
  now_ = std::max(now_, until);
}

void Engine::run() {
  while (step()) {
  }
}

}  // namespace espnow::sim
