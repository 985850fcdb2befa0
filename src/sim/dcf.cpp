#include "espnow/sim/dcf.hpp"

#include <algorithm>

namespace espnow::sim {
namespace {

const PhyTiming& basic_timing() {
  static const PhyTiming timing = timing_for(PhyRate::r1m);
  return timing;
}

}  // namespace

Dcf::Dcf(Engine& engine, Random& random, const MacConfig& config, Phy& phy, Transmit transmit)
    : engine_(engine),
      timing_(basic_timing()),
      config_(config),
      cw_(timing_.cw_min),
      phy_(phy),
      random_(random),
      transmit_(std::move(transmit)) {}

bool Dcf::medium_busy() const {
  return busy_until_event() || nav_until_ > engine_.now();
}

bool Dcf::busy_until_event() const {
  return phy_busy_ || exchange_ != Exchange::none || acks_pending_ > 0;
}

Time Dcf::access_start() const {
  const Time idle = std::max({idle_since_, nav_until_, exchange_end_});
  return std::max(idle + timing_.difs, eifs_until_);
}

void Dcf::update_backoff() {
  // Only an idle medium counts; callers update before the medium turns busy.
  // (No slots left: nothing to count, and most radios that hear a frame have none.)
  if (slots_ == 0 || medium_busy()) return;
  const Time start = std::max(backoff_start_, access_start());
  const Time now = engine_.now();
  if (now <= start) return;
  const auto elapsed = static_cast<std::uint32_t>(std::min<Time>((now - start) / timing_.slot, slots_));
  slots_ -= elapsed;
  backoff_start_ = start + elapsed * timing_.slot;
}

void Dcf::new_backoff(std::uint32_t cw) {
  slots_ = random_.up_to(cw);
  backoff_start_ = engine_.now();
}

bool Dcf::enqueue(const MacRequest& request) {
  if (queue_.size() >= config_.queue_limit) {
    ++counters_.queue_drops;
    return false;
  }
  const bool was_empty = queue_.empty();
  queue_.push_back(request);
  queued_ = static_cast<std::uint32_t>(queue_.size());
  if (was_empty && exchange_ == Exchange::none) {
    // 802.11-2016 10.3.4.2: a frame finding the medium idle, with no backoff
    // pending, goes after DIFS; on a busy medium it draws a backoff first.
    update_backoff();
    if (slots_ == 0) {
      if (!medium_busy()) backoff_start_ = std::max(backoff_start_, engine_.now() + timing_.difs);
      else new_backoff(cw_);
    }
    schedule_access();
  }
  return true;
}

void Dcf::drop_queued() {
  const std::size_t keep = exchange_ == Exchange::none ? 0 : 1;
  queue_.erase(queue_.begin() + static_cast<std::ptrdiff_t>(std::min(keep, queue_.size())), queue_.end());
  queued_ = static_cast<std::uint32_t>(queue_.size());
  if (!queue_.empty()) return;
  cancel_access_timer();
}

void Dcf::cancel_access_timer() {
  // Most radios a frame reaches have nothing to send and no timer: no call.
  if (!access_timer_) return;
  engine_.cancel(access_timer_);
  access_timer_ = {};
}

void Dcf::schedule_access() {
  cancel_access_timer();
  // The NAV ends with no event of its own (nothing tells us), so a medium
  // busy only by NAV still gets a timer: access_start() waits it out.
  if (queued_ == 0 || busy_until_event()) return;
  const Time when = std::max(backoff_start_, access_start()) + slots_ * timing_.slot;
  access_timer_ = engine_.at(when, [this] { access_timer_fired(); });
}

void Dcf::access_timer_fired() {
  access_timer_ = {};
  update_backoff();
  if (slots_ == 0 && !medium_busy() && engine_.now() >= access_start() && !queue_.empty())
    start_transmission();
  else
    schedule_access();
}

void Dcf::start_transmission() {
  const MacRequest& r = queue_.front();
  ++attempts_;
  if (attempts_ == 1) seq_ = static_cast<std::uint16_t>((seq_ + 1) & 0x0fff);
  AirFrame f;
  f.kind = FrameKind::data;
  f.src = r.src == MacAddress{} ? config_.mac : r.src;
  f.dst = r.dst;
  f.bytes = r.bytes;
  f.rate = r.rate;
  f.seq = seq_;
  f.retry = attempts_ > 1;
  f.tag = r.tag;
  const bool unicast = r.dst.is_unicast();
  f.nav = unicast ? timing_.sifs + frame_duration(timing_for(r.rate).ack_rate, kAckFrameBytes) : 0;
  exchange_ = Exchange::sending;
  ++counters_.transmissions;
  transmit_(f);
}

void Dcf::phy_tx_end() {
  if (exchange_ != Exchange::sending) return;  // our ACK went out
  if (!queue_.front().dst.is_unicast()) {
    finish(TxStatus::sent);
    return;
  }
  exchange_ = Exchange::awaiting_ack;
  ack_late_ = false;
  ack_timer_ = engine_.after(timing_for(queue_.front().rate).ack_timeout, [this] { ack_deadline(); });
}

void Dcf::ack_deadline() {
  ack_timer_ = {};
  // A frame whose reception began before the deadline may be the ACK: its end decides.
  if (phy_.locked()) ack_late_ = true;
  else attempt_failed();
}

void Dcf::attempt_failed() {
  ack_late_ = false;
  if (attempts_ >= config_.attempt_limit) {
    finish(TxStatus::failed);
    return;
  }
  cw_ = std::min(2 * (cw_ + 1) - 1, timing_.cw_max);
  exchange_ = Exchange::none;
  exchange_end_ = engine_.now();
  new_backoff(cw_);
  schedule_access();
}

void Dcf::finish(TxStatus status) {
  engine_.cancel(ack_timer_);
  ack_timer_ = {};
  ack_late_ = false;
  const TxReport report{queue_.front().tag, status, attempts_};
  queue_.pop_front();
  queued_ = static_cast<std::uint32_t>(queue_.size());
  attempts_ = 0;
  exchange_ = Exchange::none;
  exchange_end_ = engine_.now();
  cw_ = timing_.cw_min;
  new_backoff(cw_);  // post-backoff, whether or not another frame waits
  if (on_report_) on_report_(report);
  schedule_access();
}

void Dcf::phy_busy(bool busy) {
  if (busy) {
    update_backoff();
    phy_busy_ = true;
    cancel_access_timer();
  } else {
    phy_busy_ = false;
    idle_since_ = engine_.now();
    schedule_access();
  }
}

void Dcf::send_ack(const AirFrame& data) {
  AirFrame ack;
  ack.kind = FrameKind::ack;
  ack.src = data.dst;  // the receiver address: ACK frames carry no transmitter address
  ack.dst = data.src;
  ack.bytes = kAckFrameBytes;
  ack.tag = data.tag;  // which exchange it answers, for the air's bookkeeping
  ack.rate = timing_for(data.rate).ack_rate;
  ++acks_pending_;
  update_backoff();
  engine_.after(timing_.sifs, [this, ack] {
    --acks_pending_;
    ++counters_.acks_sent;
    transmit_(ack);  // SIFS responses ignore carrier sense
  });
}

bool Dcf::duplicate(const AirFrame& frame) {
  auto [it, inserted] = last_seq_.try_emplace(frame.src, frame.seq);
  if (inserted) return false;
  const bool dup = frame.retry && it->second == frame.seq;
  it->second = frame.seq;
  return dup;
}

bool Dcf::admitted(const AirFrame& frame, std::uint32_t from, double rx_dbm) const {
  if (!has_admit_) return true;
  const bool for_us = frame.kind == FrameKind::ack ? frame.dst == queue_front_src() : mine(frame.dst);
  return !(for_us || frame.dst.is_multicast()) || admit_(frame, from, rx_dbm);
}

void Dcf::phy_rx_end(const AirFrame& frame, std::uint32_t from, RxOutcome outcome, double rx_dbm) {
  const Time now = engine_.now();
  bool acked = false;
  if (outcome == RxOutcome::ok && !admitted(frame, from, rx_dbm)) outcome = RxOutcome::error;
  if (outcome == RxOutcome::error) {
    update_backoff();
    eifs_until_ = now + timing_.eifs;
  } else {
    eifs_until_ = 0;
    if (frame.kind == FrameKind::ack) {
      acked = exchange_ == Exchange::awaiting_ack && frame.dst == queue_front_src();
    } else if (mine(frame.dst)) {
      send_ack(frame);
      if (!duplicate(frame)) {
        ++counters_.receptions;
        if (on_receive_) on_receive_(frame, rx_dbm);
      }
    } else if (frame.dst.is_multicast()) {
      ++counters_.receptions;
      if (on_receive_) on_receive_(frame, rx_dbm);
    } else {
      if (has_overhear_) on_overhear_(frame, from, rx_dbm);
      if (frame.nav > 0) {
        update_backoff();
        nav_until_ = std::max(nav_until_, now + frame.nav);
      }
    }
  }
  if (acked) {
    finish(TxStatus::acked);
    return;
  }
  if (ack_late_) attempt_failed();
  else schedule_access();
}

void Dcf::phy_lost(const AirFrame& frame, RxLoss why) {
  // Only frames meant for this radio count as its losses.
  if (!mine(frame.dst) && !frame.dst.is_multicast()) return;
  if (why == RxLoss::collision) ++counters_.lost_collision;
  else ++counters_.lost_weak;
}

}  // namespace espnow::sim
