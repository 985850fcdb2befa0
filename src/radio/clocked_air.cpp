#include "clocked_air.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "espnow/radio/sim_air.hpp"
#include "espnow/wire/air_datagram.hpp"
#include "espnow/wire/frame.hpp"
#include "espnow/common/library_thread.hpp"

namespace espnow {
namespace {

// A reception ends at most this long after its sender's report (the
// propagation delay across any field): until then the frame's bytes are kept.
constexpr sim::Time kRetireAfter = sim::milliseconds(10);

sim::AirConfig air_config(const SimAir& air) {
  sim::AirConfig c;
  c.path_loss = {air.options().path_loss_exponent, air.options().reference_loss_db};
  c.seed = air.options().seed;
  return c;
}

}  // namespace

ClockedAir::ClockedAir(SimAir& air) : air_(air), des_(engine_, air_config(air)) {
  des_.on_transmit([this](const sim::Transmission& t) { on_air(t); });
}

void ClockedAir::on_air(const sim::Transmission& t) {
  const auto at = air_.start_ + std::chrono::nanoseconds(t.start);
  if (t.frame.kind == sim::FrameKind::ack) {
    if (!sniffer_) return;
    std::array<std::uint8_t, wire::kAckFrameLen> ack;
    wire::encode_ack(t.frame.dst, ack);
    return sniffer_({at, ack, t.frame.rate, t.channel});
  }
  if (t.frame.kind != sim::FrameKind::data) return;
  ++counts_.transmissions;
  if (!sniffer_) return;
  if (const std::vector<std::uint8_t>* bytes = bytes_of(t.frame)) sniffer_({at, *bytes, t.frame.rate, t.channel});
}

void ClockedAir::set_sniffer(std::function<void(const AiredFrame&)> sniffer) {
  std::lock_guard lk(mutex_);
  sniffer_ = std::move(sniffer);
}

void ClockedAir::stop() {
  {
    std::lock_guard lk(mutex_);
    stopped_ = true;
  }
  cv_.notify_all();
  if (driver_.joinable()) driver_.join();
}

std::uint32_t ClockedAir::add_station(SimRadio& radio) {
  std::lock_guard lk(mutex_);
  sim::RadioConfig c;
  c.mac = radio.mac(Interface::sta);
  c.pos = radio.position();
  c.tx_power_dbm = radio.tx_power();
  c.channel = radio.channel();
  c.long_range = radio.long_range();
  c.queue_limit = static_cast<std::uint32_t>(std::max<std::size_t>(1, air_.options().tx_queue_len));
  c.attempt_limit = static_cast<std::uint32_t>(std::max(0, air_.options().max_retries)) + 1;
  const std::uint32_t i = des_.add_radio(c);
  radios_.push_back(&radio);
  hook_station(i);
  return i;
}

void ClockedAir::hook_station(std::uint32_t i) {
  sim::Dcf& mac = des_.mac(i);
  mac.set_owner([this, i](const MacAddress& m) { return owns(i, m); });
  mac.set_admit([this, i](const sim::AirFrame& f, std::uint32_t from, double dbm) { return admit(i, f, from, dbm); });
  mac.on_receive([this, i](const sim::AirFrame& f, double dbm) { received(i, f, dbm); });
  mac.on_overhear([this, i](const sim::AirFrame& f, std::uint32_t from, double dbm) { overheard(i, f, from, dbm); });
  mac.on_report([this, i](const sim::TxReport& r) { reported(i, r); });
}

void ClockedAir::remove_station(std::uint32_t station) {
  std::lock_guard lk(mutex_);
  radios_[station] = nullptr;  // it acknowledges and hears nothing from now on
  des_.mac(station).drop_queued();
  des_.retire(station);  // and no frame reaches it: it costs nothing more
  std::erase_if(outbox_, [&](const Delivery& d) { return d.station == station; });
}

void ClockedAir::retune(std::uint32_t station, std::uint8_t channel) {
  std::lock_guard lk(mutex_);
  des_.set_channel(station, channel);
  std::erase_if(outbox_, [&](const Delivery& d) { return d.station == station && !d.report && d.rx.channel != channel; });
}

std::error_code ClockedAir::transmit(std::uint32_t station, std::span<const std::uint8_t> frame, PhyRate rate) {
  std::unique_lock lk(mutex_);
  if (stopped_) return errc::internal;
  if (!driver_.joinable() && !air_.options().external_drive) driver_ = start_library_thread([this] { drive(); });
  catch_up_locked();
  sim::MacRequest req;
  req.dst = MacAddress::read(frame.data() + 4);
  req.src = MacAddress::read(frame.data() + 10);
  req.bytes = static_cast<std::uint32_t>(frame.size());
  req.rate = rate;
  req.tag = next_tag_;
  if (!des_.mac(station).enqueue(req)) return errc::no_mem;
  in_flight_.emplace(next_tag_++, InFlight{{frame.begin(), frame.end()}, req.dst});
  lk.unlock();
  cv_.notify_one();  // a new event, and perhaps deliveries from catching up
  return {};
}

bool ClockedAir::idle(std::uint32_t station) {
  std::lock_guard lk(mutex_);
  return des_.mac(station).queued() == 0;
}

ClockedAir::Counts ClockedAir::counts() {
  std::lock_guard lk(mutex_);
  Counts c = counts_;
  for (std::uint32_t i = 0; i < des_.size(); ++i) {
    c.lost += des_.mac(i).counters().lost_collision;
    c.too_weak += des_.mac(i).counters().lost_weak;
  }
  return c;
}

// ------------------------------------------------------- the MACs' hooks

bool ClockedAir::owns(std::uint32_t i, const MacAddress& mac) {
  const SimRadio* r = radios_[i];
  return r && r->owns(mac);
}

MacAddress ClockedAir::sta_mac(std::uint32_t station, const MacAddress& fallback) const {
  const SimRadio* r = station < radios_.size() ? radios_[station] : nullptr;
  return r ? r->mac(Interface::sta) : fallback;
}

const std::vector<std::uint8_t>* ClockedAir::bytes_of(const sim::AirFrame& f) {
  const auto it = in_flight_.find(f.tag);
  if (it == in_flight_.end()) return nullptr;
  scratch_ = it->second.bytes;
  wire::set_retry(scratch_, f.retry);
  return &scratch_;
}

bool ClockedAir::admit(std::uint32_t i, const sim::AirFrame& f, std::uint32_t from, double rx_dbm) {
  // The air's loss probabilities and error model, as on the instant air: a
  // data frame at its receiver, an ACK at the sender it answers.
  const MacAddress from_mac = sta_mac(from, f.src), to_mac = sta_mac(i, f.dst);
  bool lost = air_.loss_.lose(from_mac, to_mac);
  if (!lost && f.kind == sim::FrameKind::data && air_.options_.error_model) {
    const std::vector<std::uint8_t>* bytes = bytes_of(f);
    const SimRadio* r = radios_[i];
    lost = bytes && r &&
           air_.options_.error_model({from_mac, to_mac, *bytes, f.rate, r->channel(), rssi_of(rx_dbm)});
  }
  counts_.lost += lost;
  return !lost;
}

// Another radio's unicast, intact: a sniffer takes it after the air's extra
// losses (drawn only then, so that sniffing changes no other radio's draws).
void ClockedAir::overheard(std::uint32_t i, const sim::AirFrame& f, std::uint32_t from, double rx_dbm) {
  SimRadio* r = radios_[i];
  if (r && r->promiscuous() && admit(i, f, from, rx_dbm)) received(i, f, rx_dbm);
}

void ClockedAir::received(std::uint32_t i, const sim::AirFrame& f, double rx_dbm) {
  SimRadio* r = radios_[i];
  if (!r || !r->hears(f.dst)) return;  // the rule of every air (AirRadio::hears)
  const std::vector<std::uint8_t>* bytes = bytes_of(f);
  if (!bytes) return;
  ++counts_.deliveries;
  Delivery d;
  d.station = i;
  d.frame = *bytes;
  d.rx = RxControl{rssi_of(rx_dbm), r->channel(), f.rate, static_cast<std::uint64_t>(engine_.now() / 1000)};
  outbox_.push_back(std::move(d));
}

void ClockedAir::reported(std::uint32_t i, const sim::TxReport& report) {
  const auto it = in_flight_.find(report.tag);
  if (it == in_flight_.end()) return;
  const bool acked = report.status != sim::TxStatus::failed;
  counts_.acks += report.status == sim::TxStatus::acked;
  retired_.emplace_back(engine_.now(), report.tag);
  if (!radios_[i]) return;
  Delivery d;
  d.station = i;
  d.report = true;
  d.dst = it->second.dst;
  d.acked = acked;
  outbox_.push_back(std::move(d));
}

// ------------------------------------------------------------ the driver

sim::Time ClockedAir::clock_now() const { return (air_.clock().now() - air_.start_).count(); }

void ClockedAir::sync_radios_locked() {
  // Radio settings change from any thread, at any time (AirRadio's atomics):
  // the engine takes them as they are whenever it runs.
  for (std::uint32_t i = 0; i < radios_.size(); ++i) {
    const SimRadio* r = radios_[i];
    if (!r) continue;
    const sim::RadioConfig& c = des_.radio(i);
    const Position p = r->position();
    if (p.x != c.pos.x || p.y != c.pos.y) des_.set_position(i, p);
    if (r->tx_power() != c.tx_power_dbm) des_.set_tx_power(i, r->tx_power());
    if (r->long_range() != c.long_range) des_.set_long_range(i, r->long_range());
    if (r->channel() != c.channel) des_.set_channel(i, r->channel());
  }
}

void ClockedAir::forget_retired_locked() {
  while (!retired_.empty() && retired_.front().first + kRetireAfter < engine_.now()) {
    in_flight_.erase(retired_.front().second);
    retired_.pop_front();
  }
}

void ClockedAir::catch_up_locked() {
  sync_radios_locked();
  engine_.run_until(std::max(engine_.now(), clock_now()));
  forget_retired_locked();
}

void ClockedAir::deliver(Delivery& d) {
  SimRadio* r = radios_[d.station];  // stable: removal needs the table held exclusively
  if (!r || !r->listener_) return;
  if (d.report) r->listener_->on_tx_done(d.dst, d.acked);
  else r->listener_->on_frame(d.frame, d.rx);
}

void ClockedAir::step(std::vector<Delivery>& batch) {
  {
    std::lock_guard lk(mutex_);
    if (stopped_) return;
    catch_up_locked();
    batch.swap(outbox_);
  }
  for (Delivery& d : batch) deliver(d);
  batch.clear();
}

void ClockedAir::run_due() {
  std::vector<Delivery> batch;
  std::shared_lock table(air_.radios_mutex_);
  step(batch);
}

bool ClockedAir::next_event_time(std::chrono::nanoseconds& when) {
  std::lock_guard lk(mutex_);
  sim::Time t;
  if (!engine_.next_event_time(t)) return false;
  when = air_.start_ + std::chrono::nanoseconds(t);
  return true;
}

void ClockedAir::drive() {
  std::vector<Delivery> batch;
  for (;;) {
    {
      std::shared_lock table(air_.radios_mutex_);
      step(batch);
    }
    std::unique_lock lk(mutex_);
    // Sleep until the next event is due on the clock, or something new
    // (a transmission, deliveries from a thread that caught up) wakes us.
    while (!stopped_ && outbox_.empty()) {
      sim::Time next;
      if (!engine_.next_event_time(next)) {
        air_.clock().wait(lk, cv_, std::nullopt);
        continue;
      }
      const auto due = air_.start_ + std::chrono::nanoseconds(next);
      if (air_.clock().now() >= due) break;
      air_.clock().wait(lk, cv_, due);
    }
    if (stopped_) return;
  }
}

}  // namespace espnow
