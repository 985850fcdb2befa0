// The discrete-event engine (docs/simulation.md, "The discrete-event air"):
// virtual time in nanoseconds, one queue of timed actions, one thread.
//
// Deterministic: events run in order of time, and events at the same time in
// the order they were scheduled (a sequence number), never by address or hash.
// The same inputs give the same events in the same order on any machine.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

namespace espnow::sim {

// Virtual time and durations, in nanoseconds.
using Time = std::int64_t;
constexpr Time nanoseconds(std::int64_t n) noexcept { return n; }
constexpr Time microseconds(std::int64_t us) noexcept { return us * 1000; }
constexpr Time milliseconds(std::int64_t ms) noexcept { return ms * 1000000; }
constexpr Time seconds(double s) noexcept { return static_cast<Time>(s * 1e9); }
constexpr double to_seconds(Time t) noexcept { return static_cast<double>(t) / 1e9; }

// Names one scheduled event, to cancel it. A default EventId names none.
struct EventId {
  std::uint64_t seq = 0;
  std::uint32_t slot = 0;
  explicit operator bool() const noexcept { return seq != 0; }
};

class Engine {
 public:
  using Action = std::function<void()>;

  Time now() const noexcept { return now_; }
  // Runs `action` at `when` (not before now: earlier times are taken as now).
  EventId at(Time when, Action action);
  EventId after(Time delay, Action action) { return at(now_ + delay, std::move(action)); }
  // Cancels a pending event; false when it already ran or was cancelled.
  bool cancel(EventId id) noexcept;

  // Runs the next event; false when none is pending.
  bool step();
  // Runs every event due at or before `until`, then sets the time to `until`.
  void run_until(Time until);
  // Runs until no event is pending.
  void run();
  // When the next pending event is due; false when none is.
  bool next_event_time(Time& when);

  std::uint64_t events_run() const noexcept { return events_run_; }
  std::size_t pending() const noexcept { return pending_; }

 private:
  struct Entry {
    Time when;
    std::uint64_t seq;
    std::uint32_t slot;
  };
  struct Slot {
    Action action;
    std::uint64_t seq = 0;  // 0 when free or cancelled
  };
  // Min-heap order on (time, sequence): a strict total order, so ties are
  // broken by scheduling order alone.
  static bool later(const Entry& a, const Entry& b) noexcept {
    return a.when != b.when ? a.when > b.when : a.seq > b.seq;
  }
  void release(std::uint32_t slot);
  void drop_cancelled_tops();  // so the heap's top is a live event (or the heap is empty)

  Time now_ = 0;
  std::uint64_t next_seq_ = 1;
  std::uint64_t events_run_ = 0;
  std::size_t pending_ = 0;
  std::vector<Entry> heap_;
  std::vector<Slot> slots_;          // actions, reused through free_
  std::vector<std::uint32_t> free_;
};

}  // namespace espnow::sim
