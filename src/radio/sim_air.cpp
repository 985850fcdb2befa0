#include "espnow/radio/sim_air.hpp"

#include <algorithm>
#include <cstring>

#include "clocked_air.hpp"
#include "espnow/radio/tx_machine.hpp"

namespace espnow {

// ---------------------------------------------------------------- SimRadio

SimRadio::SimRadio(SimAir& air, const RadioOptions& options) : AirRadio(options), air_(air) {}

SimRadio::~SimRadio() = default;

std::uint64_t SimRadio::now_us() const {
  return static_cast<std::uint64_t>((air_.clock().now() - air_.start_).count() / 1000);
}

void SimRadio::set_listener(RadioListener* listener) {
  std::unique_lock lk(air_.radios_mutex_);  // waits for running callbacks
  listener_ = listener;
}

std::error_code SimRadio::set_channel(std::uint8_t ch) {
  std::unique_lock lk(air_.radios_mutex_);  // deliveries hold it shared
  const std::error_code ec = AirRadio::set_channel(ch);
  if (!ec) air_.clocked_->retune(station_, ch);
  return ec;
}

std::error_code SimRadio::transmit(std::span<const std::uint8_t> frame, PhyRate rate) {
  if (frame.size() < wire::kHeaderLen || frame.size() > wire::kMaxFrameSize) return errc::arg;
  // The timed air keeps its frames in order even after timing goes off.
  if (air_.timing() || !air_.clocked_->idle(station_)) return air_.clocked_->transmit(station_, frame, rate);
  // Immediate delivery on the caller's thread.
  air_.run_transmission(*this, frame, rate);
  return {};
}

// ------------------------------------------------------------------ SimAir

SimAir::SimAir(AirOptions options)
    : options_(options),
      path_loss_{options.path_loss_exponent, options.reference_loss_db},
      clock_(options.clock ? options.clock : &steady_clock()),
      start_(clock_->now()),
      timing_(options.timing),
      loss_(options.seed, options.loss),
      clocked_(std::make_unique<ClockedAir>(*this)) {}

SimAir::~SimAir() {
  clocked_->stop();  // no listener is called from here on
  std::vector<std::unique_ptr<SimRadio>> radios;
  {
    std::unique_lock lk(radios_mutex_);
    radios.swap(radios_);
  }
  radios.clear();  // joins transmit threads outside the lock
}

Result<SimRadio*> SimAir::add_radio(const RadioOptions& options) {
  if (auto ec = validate(options)) return ec;
  std::unique_ptr<SimRadio> radio(new SimRadio(*this, options));
  SimRadio* raw = radio.get();
  std::unique_lock lk(radios_mutex_);
  raw->station_ = clocked_->add_station(*raw);
  radios_.push_back(std::move(radio));
  return raw;
}

void SimAir::remove_radio(SimRadio& radio) {
  std::unique_ptr<SimRadio> removed;
  {
    std::unique_lock lk(radios_mutex_);
    auto it = std::find_if(radios_.begin(), radios_.end(), [&](const auto& r) { return r.get() == &radio; });
    if (it == radios_.end()) return;
    clocked_->remove_station(radio.station_);
    removed = std::move(*it);
    radios_.erase(it);
  }
  // Destroyed here, outside the lock, so its transmit thread can finish.
}

AirStats SimAir::stats() const {
  const ClockedAir::Counts timed = clocked_->counts();
  return {counters_.transmissions.load() + timed.transmissions, counters_.deliveries.load() + timed.deliveries,
          counters_.lost.load() + timed.lost, counters_.too_weak.load() + timed.too_weak,
          counters_.acks.load() + timed.acks};
}

void SimAir::set_sniffer(std::function<void(const AiredFrame&)> sniffer) { clocked_->set_sniffer(std::move(sniffer)); }

void SimAir::run_due() { clocked_->run_due(); }

bool SimAir::next_event_time(std::chrono::nanoseconds& when) { return clocked_->next_event_time(when); }

int SimAir::rssi_dbm(Position from, Position to, double tx_dbm) const {
  return espnow::rssi_dbm(path_loss_, from, to, tx_dbm);
}

void SimAir::run_transmission(SimRadio& sender, std::span<const std::uint8_t> frame, PhyRate rate) {
  // The instant air as the machine's medium: an attempt is delivered (or
  // lost) before send() returns, so its ACK is known at once.
  class Instant final : public TxMachine::Medium {
   public:
    Instant(SimAir& air, SimRadio& sender) : air_(air), sender_(sender) {}
    void send(const TxMachine::Attempt& a) override { acked = air_.deliver(sender_, a.frame, a.rate) && !a.group; }
    bool acked = false;

   private:
    SimAir& air_;
    SimRadio& sender_;
  } medium(*this, sender);
  TxSlot slot;  // one frame, on this thread's stack: concurrent senders share nothing
  TxMachine machine({&slot, 1}, {.max_retries = options_.max_retries});
  if (machine.submit(frame, rate)) return;  // the size was checked by transmit()
  const TxMachine::Time now{0};  // no time passes: each ACK deadline is the attempt's own instant
  std::optional<TxMachine::Report> report;
  while (!(report = machine.pop_report())) {
    medium.acked = false;
    machine.pump(now, medium);
    if (medium.acked) machine.acked(0, now);
  }
  report_tx_done(sender, report->dst, report->acked);
}

bool SimAir::deliver(SimRadio& sender, std::span<const std::uint8_t> frame, PhyRate rate) {
  const MacAddress dst = MacAddress::read(frame.data() + 4);
  const bool group = dst.is_multicast();
  const std::uint8_t channel = sender.channel();
  const Transmitter from{sender.mac(Interface::sta), sender.position(), sender.tx_power(), channel};
  const MacAddress from_mac = from.mac;

  std::shared_lock lk(radios_mutex_);
  ++counters_.transmissions;
  bool owner_found = false, acked = false;  // the first radio owning `dst` takes a unicast
  for (const auto& r : radios_) {
    if (r.get() == &sender || (owner_found && !r->promiscuous())) continue;
    const auto [outcome, rssi] = hear(*r, from, dst, rate, path_loss_, loss_);
    if (outcome == Hearing::Outcome::too_weak) ++counters_.too_weak;
    if (outcome != Hearing::Outcome::heard && outcome != Hearing::Outcome::lost) continue;
    const MacAddress to_mac = r->mac(Interface::sta);
    if (outcome == Hearing::Outcome::lost ||
        (options_.error_model && options_.error_model({from_mac, to_mac, frame, rate, channel, rssi}))) {
      ++counters_.lost;
      continue;
    }
    ++counters_.deliveries;
    // No bit errors on this air, so every FCS is good (the contract of on_frame).
    if (r->listener_) {
      const RxControl rx_ctrl{static_cast<std::int8_t>(rssi), channel, rate, r->now_us()};
      r->listener_->on_frame(frame, rx_ctrl);
    }
    // The owner's radio acknowledges, whether or not ESP-NOW runs on it; a
    // sniffer that overheard the frame does not.
    if (group || owner_found || !r->owns(dst)) continue;
    owner_found = true;
    if (loss_.lose(to_mac, from_mac)) {
      ++counters_.lost;
      continue;
    }
    ++counters_.acks;
    acked = true;
  }
  return acked;
}

void SimAir::report_tx_done(SimRadio& sender, const MacAddress& dst, bool acked) {
  std::shared_lock lk(radios_mutex_);
  if (sender.listener_) sender.listener_->on_tx_done(dst, acked);
}

}  // namespace espnow
