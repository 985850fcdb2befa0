// The 802.11 DCF MAC of one radio on the discrete-event air (the
// rules in docs/simulation.md, "The discrete-event air"): a 16-frame queue,
// DIFS (EIFS after a frame received in error) then a backoff of 0..CW slots
// counted only while the medium is idle, CW doubling per failed attempt up to
// CWmax and reset after success or drop, a post-transmission backoff;
// unicasts acknowledged after SIFS and retried with the retry bit up to the
// attempt limit; group frames sent once. Reports come in transmit order.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>

#include "espnow/sim/air_frame.hpp"
#include "espnow/sim/engine.hpp"
#include "espnow/sim/phy.hpp"
#include "espnow/sim/phy_timing.hpp"
#include "espnow/sim/random.hpp"

namespace espnow::sim {

struct MacConfig {
  MacAddress mac;
  std::uint32_t queue_limit = 16;   // frames, the one being sent included
  std::uint32_t attempt_limit = 6;  // ESP-IDF: 5 retries
};

struct MacRequest {
  MacAddress dst;
  std::uint32_t bytes = 0;  // MPDU with FCS: the ESP-NOW frame's length
  PhyRate rate = PhyRate::r1m;
  std::uint64_t tag = 0;    // returned in the report and the receivers' delivery
  MacAddress src{};         // the transmitter address; unset: the radio's own (MacConfig::mac)
};

enum class TxStatus : std::uint8_t { sent, acked, failed };  // sent: a group frame, no ACK

struct TxReport {
  std::uint64_t tag = 0;
  TxStatus status = TxStatus::sent;
  std::uint32_t attempts = 0;
};

struct MacCounters {
  std::uint64_t transmissions = 0;   // data attempts, retries included
  std::uint64_t receptions = 0;      // data frames delivered (duplicates filtered)
  std::uint64_t lost_collision = 0;  // detectable data frames lost to overlap, or while busy
  std::uint64_t lost_weak = 0;       // detectable data frames lost to noise alone
  std::uint64_t queue_drops = 0;     // enqueue refused: queue full (NO_MEM)
  std::uint64_t acks_sent = 0;
};

class Dcf final : public PhyEvents {
 public:
  using Transmit = std::function<void(const AirFrame&)>;  // puts a frame on the air
  using OnReport = std::function<void(const TxReport&)>;
  using OnReceive = std::function<void(const AirFrame&, double rx_dbm)>;

  Dcf(Engine& engine, Random& random, const MacConfig& config, Phy& phy, Transmit transmit);

  // Queues a frame; false (NO_MEM) when the queue is full.
  bool enqueue(const MacRequest& request);
  std::size_t queued() const noexcept { return queue_.size(); }
  // Forgets the queued frames, all but the one being sent (no reports for them).
  void drop_queued();

  void on_report(OnReport f) { on_report_ = std::move(f); }
  void on_receive(OnReceive f) { on_receive_ = std::move(f); }
  // An intact data frame unicast to another radio (a sniffer's: the MAC
  // neither acknowledges nor counts it; `from` is the transmitting station).
  using OnOverhear = std::function<void(const AirFrame&, std::uint32_t from, double rx_dbm)>;
  void on_overhear(OnOverhear f) {
    on_overhear_ = std::move(f);
    has_overhear_ = bool(on_overhear_);
  }
  // Which addresses this radio answers to (acknowledges, receives unicasts
  // at); by default MacConfig::mac alone. A radio with two interfaces, or one
  // switched off, says so here.
  using Owns = std::function<bool(const MacAddress&)>;
  void set_owner(Owns f) {
    owns_ = std::move(f);
    has_owner_ = bool(owns_);
  }
  // A loss on top of the physics, asked of every intact frame addressed to
  // this radio (data, group data and ACKs): false loses it as an FCS error
  // would (no ACK, EIFS). `from` is the transmitting station.
  using Admit = std::function<bool(const AirFrame&, std::uint32_t from, double rx_dbm)>;
  void set_admit(Admit f) {
    admit_ = std::move(f);
    has_admit_ = bool(admit_);
  }
  const MacCounters& counters() const noexcept { return counters_; }
  const MacAddress& address() const noexcept { return config_.mac; }
  std::uint32_t contention_window() const noexcept { return cw_; }
  std::uint32_t backoff_slots() const noexcept { return slots_; }
  // The end of the state a reception reads (the members declared before
  // cw_, not a reference, whose address would be the object's it names):
  // what the air fetches ahead of a frame's events.
  const char* hot_end() const noexcept { return reinterpret_cast<const char*>(&cw_); }

  // PhyEvents
  void phy_busy(bool busy) override;
  void phy_tx_end() override;
  void phy_rx_end(const AirFrame& frame, std::uint32_t from, RxOutcome outcome, double rx_dbm) override;
  void phy_lost(const AirFrame& frame, RxLoss why) override;

 private:
  enum class Exchange : std::uint8_t { none, sending, awaiting_ack };

  bool medium_busy() const;       // physical or virtual (NAV) carrier sense, or our own exchange
  bool busy_until_event() const;  // busy for a reason whose end some event will tell us
  Time access_start() const;  // when DIFS (or EIFS) of idle medium is complete
  void update_backoff();      // counts the idle slots elapsed so far
  void new_backoff(std::uint32_t cw);
  void schedule_access();
  void cancel_access_timer();
  void access_timer_fired();
  void start_transmission();
  void ack_deadline();
  void attempt_failed();
  void finish(TxStatus status);
  void send_ack(const AirFrame& data);
  bool duplicate(const AirFrame& frame);
  // The address the frame being sent goes out from: its ACK comes back to it.
  MacAddress queue_front_src() const {
    return queue_.empty() || queue_.front().src == MacAddress{} ? config_.mac : queue_.front().src;
  }
  bool mine(const MacAddress& dst) const { return has_owner_ ? owns_(dst) : dst == config_.mac; }
  // Whether a frame the PHY received intact survives the extra losses.
  bool admitted(const AirFrame& frame, std::uint32_t from, double rx_dbm) const;

  // The state every frame this radio hears reads (carrier sense, backoff,
  // delivery), first and together: on a field of 10,000 a radio's state is
  // cold when a frame reaches it, each line read is a cache miss, and the air
  // fetches these lines ahead (up to hot_end()). Only what a reception reads:
  // 200 bytes, where the first 360 bytes held some of it before.
  Engine& engine_;
  Exchange exchange_ = Exchange::none;
  bool phy_busy_ = false;
  bool ack_late_ = false;    // the ACK timeout passed while a frame was being received
  // Whether owns_, admit_ and on_overhear_ are set: every frame asks, and
  // the answer is here rather than in the std::functions, which lie in the
  // cold part.
  bool has_owner_ = false;
  bool has_admit_ = false;
  bool has_overhear_ = false;
  std::uint16_t seq_ = 0;
  std::uint32_t acks_pending_ = 0;  // ACKs we owe, sent SIFS after the frame
  std::uint32_t slots_ = 0;
  // queue_.size(), set wherever the queue changes: a reception asks whether
  // the queue is empty, and the deque (80 bytes) lies in the cold part.
  std::uint32_t queued_ = 0;
  Time backoff_start_ = 0;   // slots count from max(this, access_start())
  Time idle_since_ = 0;      // the PHY's last busy -> idle
  Time eifs_until_ = 0;      // after a frame received in error: idle until EIFS has passed
  Time nav_until_ = 0;       // virtual carrier sense from a Duration field
  Time exchange_end_ = 0;    // the end of our last ACK wait
  EventId access_timer_;
  const PhyTiming& timing_;  // 1 Mbps's, shared by every radio (one warm copy)
  MacConfig config_;
  MacCounters counters_;
  OnReceive on_receive_;

  // From here on, state a reception does not read (hot_end()): it sends,
  // retries, reports, and the hooks a plain radio does not set.
  std::uint32_t cw_;
  std::uint32_t attempts_ = 0;
  std::deque<MacRequest> queue_;
  Phy& phy_;
  Random& random_;
  Owns owns_;
  Admit admit_;
  Transmit transmit_;
  OnReport on_report_;
  OnOverhear on_overhear_;
  EventId ack_timer_;
  std::map<MacAddress, std::uint16_t> last_seq_;  // per sender, for retried unicasts
};

}  // namespace espnow::sim
