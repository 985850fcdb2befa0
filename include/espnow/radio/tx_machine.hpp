// TxMachine: the transmit half of an 802.11 MAC, once, for every radio that
// transmits through a shell of its own: the instant in-process air
// (SimAir with timing off), the air shared between processes (UdpAir) and a
// Linux monitor-mode interface (LinuxRadio).
//
// It holds the radio's transmit queue and, for each frame: its attempts,
// counted against max_retries; the retry bit, set on every attempt after the
// first (same sequence, same random value, so receivers drop the repeats);
// the deadline for its ACK; and its outcome. Reports come out one per frame,
// in transmit order; a full queue refuses a frame with errc::no_mem.
//
// It is a protocol core (docs/architecture.md): no thread, no lock, no clock,
// no socket. Time comes in as an argument (nanoseconds on whatever clock the
// shell keeps: the steady clock for UDP and Linux, none at all for the
// instant air, whose ACK arrives before the attempt returns); the shell's
// I/O is the Medium it passes to pump(): the machine asks it whether a
// destination can hear the radio, and tells it to send an attempt. The
// shell feeds ACKs in (acked, refused) and takes reports out (pop_report),
// calling its listener whenever and on whatever thread it likes.
//
// What the shells differ in is options, not code:
//  - window: frames in flight at once (the UDP air keeps several, as a
//    pipelined link would; a chip and the Linux radio one);
//  - streams: unicasts numbered per destination, so the UDP air's receivers
//    deliver each sender's frames in order and once;
//  - timing: each attempt waits DIFS plus its airtime after the previous one
//    (the UDP air's per-radio airtime; no shared medium);
//  - a destination the Medium says nobody able to hear the radio owns gets
//    its remaining attempts back to back and a short `absent_ack_wait`
//    (the UDP air knows its radios; the others always answer "reachable").
//
// The discrete-event air (sim::Dcf) keeps its own transmit state machine:
// there an attempt is not "send now" but a DCF exchange in virtual time
// (DIFS, backoff frozen while the medium is busy, CW doubling per retry,
// SIFS + ACK), so the queue and the retry count are part of its contention
// model and are driven by the engine's events, not by a shell's pump().
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <system_error>
#include <vector>

#include "espnow/wire/frame.hpp"
#include "espnow/wire/mac_address.hpp"
#include "espnow/wire/phy.hpp"

namespace espnow {

struct TxMachineOptions {
  int max_retries = 5;                         // attempts after the first
  std::chrono::nanoseconds ack_timeout{0};     // from an attempt to its ACK deadline
  std::chrono::nanoseconds absent_ack_wait{0}; // after back-to-back attempts to an unreachable destination
  std::size_t window = 1;                      // frames in flight at once
  bool streams = false;                        // number unicasts per destination
  bool timing = false;                         // each attempt waits DIFS + its airtime
};

// One queued frame. The shell owns the storage (TxMachine's constructor
// takes a span of them), so a machine of one slot lives on a stack and none
// allocates in steady state.
struct TxSlot {
  enum class State : std::uint8_t { unsent, awaiting_ack, acked, failed };
  std::array<std::uint8_t, wire::kMaxFrameSize> bytes;
  std::size_t size = 0;
  PhyRate rate = PhyRate::r1m;
  MacAddress dst;
  bool group = false;
  std::uint32_t tag = 0, stream = 0;
  int attempts = 0;          // counted toward max_retries (see TxMachine::attempt)
  int sends = 0;             // attempts put on the air, counted or not
  bool scheduled = false;    // timing: `at` is when its airtime ends
  bool expects_ack = false;  // its last attempt went to a destination that can hear it
  State state = State::unsent;
  std::chrono::nanoseconds at{};  // unsent+scheduled: send time; awaiting_ack: ACK deadline
};

class TxMachine {
 public:
  using Time = std::chrono::nanoseconds;
  static constexpr Time kNever = Time::max();

  // One attempt to put on the air.
  struct Attempt {
    std::span<const std::uint8_t> frame;  // FCS included; the retry bit set after the first
    PhyRate rate;
    MacAddress dst;
    bool group;
    bool retry;             // not the frame's first attempt
    std::uint32_t tag;      // the frame's, never 0; an ACK names it
    std::uint32_t stream;   // with streams: its number among the frames to dst (0 for groups)
    std::uint32_t base;     // with streams: the lowest number to dst still unfinished
  };
  // A finished frame.
  struct Report {
    MacAddress dst;
    bool acked;        // group frames: always (never ACKed, so never failed)
    bool expects_ack;  // false for a failure whose last attempt went to a destination nobody able to hear owns
  };
  // The shell's side: called from pump() and recheck(), with whatever the
  // shell holds around those calls.
  class Medium {
   public:
    // Whether a radio that owns `dst` can hear this one at `rate`.
    virtual bool reachable(const MacAddress& dst, PhyRate rate) {
      (void)dst, (void)rate;
      return true;
    }
    virtual void send(const Attempt& attempt) = 0;

   protected:
    ~Medium() = default;
  };

  TxMachine(std::span<TxSlot> slots, TxMachineOptions options);

  // Queues a copy of the frame (FCS included). errc::no_mem when the queue
  // is full, errc::arg for a frame shorter than a header or larger than a slot.
  std::error_code submit(std::span<const std::uint8_t> frame, PhyRate rate);
  // Moves every frame on as far as it goes at `now`: a passed ACK deadline
  // becomes a retry or a failure, a frame in the window goes on the air.
  // Returns when something is next due: `now` when a report waits, kNever
  // when nothing will happen without an event.
  Time pump(Time now, Medium& medium);
  // An ACK for `tag` (0: for the oldest frame awaiting one, as an ACK frame
  // from a real radio names no frame) arrived at `now`. It counts while its
  // frame is unfinished and the last attempt's deadline has not passed; true
  // when it finished a frame (so a report waits: pop it).
  bool acked(std::uint32_t tag, Time now);
  // The attempt awaiting an ACK for `tag` (0: the oldest) is known lost
  // (a TX-status report said so): its deadline is now.
  void refused(std::uint32_t tag, Time now);
  // The destination of the oldest frame awaiting an ACK, if any.
  std::optional<MacAddress> awaited() const;
  // Reachability changed: a frame awaiting an ACK its destination can no
  // longer send gives up waiting (its deadline becomes `now`).
  void recheck(Time now, Medium& medium);
  // The oldest frame, once finished, in transmit order.
  std::optional<Report> pop_report();

  std::size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  void clear() { count_ = 0; }  // frames still queued are dropped, unreported

 private:
  TxSlot& slot(std::size_t i) { return slots_[(head_ + i) % slots_.size()]; }
  const TxSlot& slot(std::size_t i) const { return slots_[(head_ + i) % slots_.size()]; }
  static bool unresolved(const TxSlot& s) {
    return s.state == TxSlot::State::unsent || s.state == TxSlot::State::awaiting_ack;
  }
  void step(std::size_t i, Time now, Medium& medium, Time& next);
  bool attempt(std::size_t i, Time now, Medium& medium);
  bool first_to_its_destination(std::size_t i) const;
  std::uint32_t base(const MacAddress& dst) const;
  std::uint32_t next_stream(const MacAddress& dst);
  void forget_idle_streams();
  TxSlot* awaiting(std::uint32_t tag);

  struct Stream {
    MacAddress dst;
    std::uint32_t next = 0;
  };

  std::span<TxSlot> slots_;
  TxMachineOptions options_;
  std::size_t head_ = 0, count_ = 0;
  std::uint32_t next_tag_ = 1;
  std::vector<Stream> streams_;  // with streams: reserved once, never grown past kMaxStreams
  Time busy_until_{};
};

}  // namespace espnow
