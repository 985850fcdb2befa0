// The in-process simulated air: many simulated radios in one process.
//
// Physics (docs/behaviour.md, "The air"; air_physics.hpp): a frame reaches
// every other radio that listens on the same channel, with an RSSI from a
// log-distance path-loss model; it is lost below the receive sensitivity of
// its rate, with a seeded loss probability, or when the air's error model
// (AirOptions::error_model) says so. A unicast is acknowledged by
// the radio owning the destination MAC on an active interface (whatever
// ESP-NOW does on it); unacknowledged unicasts are retried. Group-addressed
// frames are never acknowledged.
//
// Timing is off by default (delivery is immediate, on the sender's thread,
// with no contention). With timing on, frames go through the discrete-event
// air (docs/simulation.md): each radio's 802.11 DCF MAC (DIFS, backoff,
// retries, ACKs), a PHY that adds up overlapping signals, so frames collide
// and hidden stations exist, run against a swappable Clock: in real time on
// the steady clock, at once on a VirtualClock. Listeners are then called
// from one thread of the air's.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <shared_mutex>
#include <span>
#include <vector>

#include "espnow/common/clock.hpp"
#include "espnow/common/result.hpp"
#include "espnow/radio/air_radio.hpp"

namespace espnow {

// One frame as one receiver hears it: what the air asks an error model.
struct HeardFrame {
  MacAddress from;                      // the transmitter's STA MAC
  MacAddress to;                        // the receiver's STA MAC
  std::span<const std::uint8_t> frame;  // FCS included; a retry has the retry bit set
  PhyRate rate = PhyRate::r1m;
  std::uint8_t channel = 0;
  int rssi_dbm = 0;
};

// A frame error model, as ns-3's ErrorModel: true loses the frame at that
// receiver, as a frame whose FCS failed. It is asked once per frame and
// receiver that heard it (after the range check and `loss`); a lost unicast
// is not acknowledged, so the sender's MAC retries it. It runs on the
// transmitting thread, several at once with timing on, with the air's radio
// table held: it must be thread-safe and must not call into the air. Use it
// for losses the seeded probability cannot express: bursts, a schedule, a
// loss per frame type or size, or a particular frame in a test.
using FrameErrorModel = std::function<bool(const HeardFrame&)>;

struct AirOptions {
  std::uint64_t seed = 1;
  double loss = 0.0;               // probability that a frame, or its ACK, is lost
  bool timing = false;             // airtime delays delivery and limits throughput
  double path_loss_exponent = 3.0; // log-distance model, 2..3.5 typical indoors
  double reference_loss_db = 40.0; // path loss at 1 m, 2.4 GHz
  int max_retries = 5;             // MAC-layer retries of an unacknowledged unicast
  std::size_t tx_queue_len = 16;   // frames a radio queues when timing is on
  Clock* clock = nullptr;          // steady_clock() when null
  FrameErrorModel error_model{};   // none when empty: only `loss` and the physics lose frames
  // With timing on: the air's events run only when run_due() is called (a
  // Simulation's scheduler does, between its programs' steps), with no
  // thread of the air's own.
  bool external_drive = false;
};

// A frame as the timed air puts it on the air: data frames (retries
// included) and ACKs.
struct AiredFrame {
  std::chrono::nanoseconds at;          // on the air's clock, when it starts
  std::span<const std::uint8_t> frame;  // FCS included; a retry has the retry bit set
  PhyRate rate = PhyRate::r1m;
  std::uint8_t channel = 0;
};

struct AirStats {
  std::uint64_t transmissions = 0;  // frames put on the air, retries included
  std::uint64_t deliveries = 0;     // frames handed to a receiving radio
  std::uint64_t lost = 0;           // dropped by the loss probability (frames and ACKs), the error model,
                                    // or (timing on) a collision at a radio the frame was for
  std::uint64_t too_weak = 0;       // below the receiver's sensitivity (timing on: detected, lost to noise)
  std::uint64_t acks = 0;
};

class SimAir;
class ClockedAir;

class SimRadio final : public AirRadio {
 public:
  ~SimRadio() override;
  std::uint64_t now_us() const override;
  void set_listener(RadioListener* listener) override;
  // Returns once the deliveries under way, which saw the old channel, have
  // landed: after it, nothing sent on the old channel arrives, as on a real
  // radio once it has retuned.
  std::error_code set_channel(std::uint8_t ch) override;
  std::error_code transmit(std::span<const std::uint8_t> frame, PhyRate rate) override;

 private:
  friend class SimAir;
  friend class ClockedAir;
  SimRadio(SimAir& air, const RadioOptions& options);

  SimAir& air_;
  RadioListener* listener_ = nullptr;  // guarded by the air's lock
  std::uint32_t station_ = 0;          // its radio on the discrete-event air
};

class SimAir {
 public:
  explicit SimAir(AirOptions options = {});
  ~SimAir();
  SimAir(const SimAir&) = delete;
  SimAir& operator=(const SimAir&) = delete;

  // errc::arg for a group address or a channel outside 1..14.
  Result<SimRadio*> add_radio(const RadioOptions& options);
  void remove_radio(SimRadio& radio);

  void set_loss(double probability) { loss_.set_loss(probability); }
  // Loss between two radios (by STA MAC), overriding the air's, both ways.
  void set_link_loss(const MacAddress& a, const MacAddress& b, double probability) {
    loss_.set_link_loss(a, b, probability);
  }
  void set_timing(bool on) { timing_ = on; }
  bool timing() const { return timing_.load(); }
  Clock& clock() const { return *clock_; }
  const AirOptions& options() const { return options_; }
  AirStats stats() const;

  // Told of every data frame the timed air puts on the air, in event order
  // (a capture of the whole air): called with the air's engine locked, so it
  // must not call into the air. Empty: none.
  void set_sniffer(std::function<void(const AiredFrame&)> sniffer);

  // With AirOptions::external_drive: runs the timed air's events due by the
  // clock's now and calls the listeners for them, on this thread.
  void run_due();
  // When the timed air's next event is due, on the clock; false when none is.
  bool next_event_time(std::chrono::nanoseconds& when);

  // RSSI a radio at `to` sees from a transmitter at `from` with `tx_dbm`.
  int rssi_dbm(Position from, Position to, double tx_dbm) const;

 private:
  friend class SimRadio;
  friend class ClockedAir;
  // The instant air: one transmission with its retries (TxMachine), on the
  // caller's thread; reports to the sender's listener.
  void run_transmission(SimRadio& sender, std::span<const std::uint8_t> frame, PhyRate rate);
  // Puts one attempt on the air; true when the destination acknowledged it.
  bool deliver(SimRadio& sender, std::span<const std::uint8_t> frame, PhyRate rate);
  void report_tx_done(SimRadio& sender, const MacAddress& dst, bool acked);

  AirOptions options_;
  PathLoss path_loss_;
  Clock* clock_;
  std::chrono::nanoseconds start_;
  std::atomic<bool> timing_;
  LossModel loss_;

  mutable std::shared_mutex radios_mutex_;  // radios and their listeners
  std::vector<std::unique_ptr<SimRadio>> radios_;
  std::unique_ptr<ClockedAir> clocked_;     // the timed air

  struct Counters {
    std::atomic<std::uint64_t> transmissions{0}, deliveries{0}, lost{0}, too_weak{0}, acks{0};
  } counters_;
};

}  // namespace espnow
