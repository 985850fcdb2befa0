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

// Many events that one object keeps in order and runs itself, for one entry
// in the engine's queue: the air's signal starts (or ends) of one frame at
// every radio that feels it. Why: a frame heard by 400 radios is 800 events,
// and as closures each would be an allocation and a queue entry of its own;
// as two sequences they cost the queue two entries, and each event a few
// instructions. The events keep their places in the engine's order: each has
// a sequence number taken with reserve() where the closures would have taken
// theirs, so the run is the same event for event.
class EventSequence {
 public:
  // The event after `item`: its time and sequence number (after item's) and
  // its item; false when `item` is the last. Asked just before `item` runs.
  virtual bool next(std::uint32_t item, Time& when, std::uint64_t& seq, std::uint32_t& next_item) const = 0;
  // Runs event `item` (due now).
  virtual void run(std::uint32_t item) = 0;

 protected:
  ~EventSequence() = default;
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

  // Takes `n` consecutive sequence numbers, as `n` calls of at() would, and
  // returns the first: the places of a sequence's events in the order.
  std::uint64_t reserve(std::uint64_t n) noexcept {
    const std::uint64_t first = next_seq_;
    next_seq_ += n;
    return first;
  }
  // Queues a sequence of `events` events (none cancellable), the first,
  // `item`, at `when` (not before now) with sequence number `seq` from
  // reserve(). The sequence must live until its last event has run.
  void add(EventSequence& sequence, Time when, std::uint64_t seq, std::uint32_t item, std::uint64_t events);

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
  struct SequenceEntry {
    Time when;
    std::uint64_t seq;
    EventSequence* sequence;
    std::uint32_t item;
  };
  struct Slot {
    Action action;
    std::uint64_t seq = 0;  // 0 when free or cancelled
  };
  // Min-heap order on (time, sequence): a strict total order, so ties are
  // broken by scheduling order alone.
  template <class A, class B = A>
  static bool later(const A& a, const B& b) noexcept {
    return a.when != b.when ? a.when > b.when : a.seq > b.seq;
  }
  // later() for the heap algorithms: an object, whose call they inline (a
  // function pointer was an indirect call per comparison).
  struct Later {
    template <class A>
    bool operator()(const A& a, const A& b) const noexcept {
      return later(a, b);
    }
  };
  void release(std::uint32_t slot);
  void drop_cancelled_tops();  // so the heap's top is a live event (or the heap is empty)
  enum class Next : std::uint8_t { none, closure, sequence };
  // Which queue holds the earliest event, and when it is due.
  Next peek(Time& when);
  struct Key {
    Time when;
    std::uint64_t seq;
  };
  void run_closure();
  // Runs the top sequence's event. Its next event stays at the heap's top if
  // it comes before `bound`, else goes down into the heap; true when it
  // stayed and nothing the event added comes before it.
  bool run_top_event(const Key& bound);
  void run_sequence();  // one event
  // Runs the top sequence's events one after another, without putting the
  // heap right between them, while each comes before every other pending
  // event (and at or before `until`); returns at the first that does not.
  void run_sequence_burst(Time until);
  // Runs every event due at or before `until` (time stays at the last one's).
  void run_through(Time until);
  // The earliest event other than the top sequence's next: its children in
  // the heap and the closures' top (perhaps a cancelled one, which is only
  // earlier than needed).
  Key others_first() const noexcept;
  void note_added(Time when, std::uint64_t seq) noexcept {
    if (later(added_first_, Key{when, seq})) added_first_ = Key{when, seq};
  }
  // Puts the entry (when, seq, sequence, item) in the heap at place i, or below it.
  void sift_down_sequence(std::size_t i, Time when, std::uint64_t seq, EventSequence* sequence,
                          std::uint32_t item) noexcept;

  Time now_ = 0;
  std::uint64_t next_seq_ = 1;
  std::uint64_t events_run_ = 0;
  std::size_t pending_ = 0;
  std::vector<Entry> heap_;
  std::vector<Slot> slots_;          // actions, reused through free_
  std::vector<std::uint32_t> free_;
  // The sequences, in a heap of their own: few at a time (two per frame on
  // the air), so their events, the most numerous, move a small heap.
  std::vector<SequenceEntry> sequences_;
  // The earliest event added since a burst began (run_sequence_burst).
  Key added_first_{INT64_MAX, UINT64_MAX};
};

}  // namespace espnow::sim
