#include "espnow/sim_air.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace espnow {
namespace {

std::uint64_t pack(const MacAddress& m) {
  std::uint64_t v = 0;
  for (auto b : m.bytes) v = (v << 8) | b;
  return v;
}

MacAddress unpack(std::uint64_t v) {
  MacAddress m;
  for (int i = 5; i >= 0; --i, v >>= 8) m.bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v);
  return m;
}

MacAddress default_ap_mac(MacAddress sta) {
  sta.bytes[5] = static_cast<std::uint8_t>(sta.bytes[5] + 1);
  return sta;
}

// A radio pair as an unordered key (link loss is symmetric).
std::pair<MacAddress, MacAddress> ordered(const MacAddress& a, const MacAddress& b) {
  return a < b ? std::pair{a, b} : std::pair{b, a};
}

std::size_t index(Interface i) { return static_cast<std::size_t>(i); }

}  // namespace

// ---------------------------------------------------------------- SimRadio

SimRadio::SimRadio(SimAir& air, const RadioOptions& o)
    : air_(air),
      macs_{pack(o.mac), pack(o.ap_mac.value_or(default_ap_mac(o.mac)))},
      active_{o.sta_active, o.ap_active},
      channel_(o.channel),
      long_range_(o.long_range),
      tx_power_(o.tx_power_dbm),
      x_(o.position.x),
      y_(o.position.y) {}

SimRadio::~SimRadio() {
  {
    std::lock_guard lk(tx_mutex_);
    tx_stop_ = true;
  }
  tx_cv_.notify_all();
  if (tx_thread_.joinable()) tx_thread_.join();
}

MacAddress SimRadio::mac(Interface i) const { return unpack(macs_[index(i)].load()); }

bool SimRadio::interface_active(Interface i) const { return active_[index(i)].load(); }

std::error_code SimRadio::set_channel(std::uint8_t ch) {
  if (!is_valid_channel(ch)) return errc::arg;
  channel_ = ch;
  return {};
}

std::uint64_t SimRadio::now_us() const {
  return static_cast<std::uint64_t>((air_.clock().now() - air_.start_).count() / 1000);
}

std::error_code SimRadio::set_mac(Interface i, const MacAddress& mac) {
  if (mac.is_multicast()) return errc::arg;  // ESP-IDF refuses a group address
  macs_[index(i)] = pack(mac);
  return {};
}

void SimRadio::set_active(Interface i, bool active) { active_[index(i)] = active; }

void SimRadio::set_position(Position p) {
  x_ = p.x;
  y_ = p.y;
}

void SimRadio::set_listener(RadioListener* listener) {
  std::unique_lock lk(air_.radios_mutex_);  // waits for running callbacks
  listener_ = listener;
}

bool SimRadio::owns(const MacAddress& dst) const {
  const std::uint64_t v = pack(dst);
  return (active_[0].load() && macs_[0].load() == v) || (active_[1].load() && macs_[1].load() == v);
}

std::error_code SimRadio::transmit(std::span<const std::uint8_t> frame, PhyRate rate) {
  if (frame.size() < wire::kHeaderLen || frame.size() > wire::kMaxFrameSize) return errc::arg;
  std::unique_lock lk(tx_mutex_);
  if (!air_.timing() && tx_count_ == 0) {
    lk.unlock();
    // Immediate delivery on the caller's thread.
    std::array<std::uint8_t, wire::kMaxFrameSize> copy;
    std::memcpy(copy.data(), frame.data(), frame.size());
    air_.run_transmission(*this, std::span(copy).first(frame.size()), rate);
    return {};
  }
  if (tx_slots_.empty()) start_tx_thread();
  if (tx_count_ == tx_slots_.size()) return errc::no_mem;
  Pending& p = tx_slots_[(tx_head_ + tx_count_) % tx_slots_.size()];
  std::memcpy(p.bytes.data(), frame.data(), frame.size());
  p.size = frame.size();
  p.rate = rate;
  ++tx_count_;
  lk.unlock();
  tx_cv_.notify_one();
  return {};
}

void SimRadio::start_tx_thread() {
  tx_slots_.resize(std::max<std::size_t>(1, air_.options().tx_queue_len));
  tx_thread_ = std::thread([this] { tx_loop(); });
}

void SimRadio::tx_loop() {
  std::unique_lock lk(tx_mutex_);
  for (;;) {
    tx_cv_.wait(lk, [this] { return tx_stop_ || tx_count_ > 0; });
    if (tx_stop_) return;
    Pending& p = tx_slots_[tx_head_];
    lk.unlock();
    air_.run_transmission(*this, std::span(p.bytes).first(p.size), p.rate);
    lk.lock();
    tx_head_ = (tx_head_ + 1) % tx_slots_.size();
    --tx_count_;
  }
}

// ------------------------------------------------------------------ SimAir

SimAir::SimAir(AirOptions options)
    : options_(options),
      clock_(options.clock ? options.clock : &steady_clock()),
      start_(clock_->now()),
      timing_(options.timing),
      loss_(options.loss),
      rng_(options.seed) {}

SimAir::~SimAir() {
  std::vector<std::unique_ptr<SimRadio>> radios;
  {
    std::unique_lock lk(radios_mutex_);
    radios.swap(radios_);
  }
  radios.clear();  // joins transmit threads outside the lock
}

Result<SimRadio*> SimAir::add_radio(const RadioOptions& options) {
  if (options.mac.is_multicast() || (options.ap_mac && options.ap_mac->is_multicast())) return errc::arg;
  if (!is_valid_channel(options.channel)) return errc::arg;
  std::unique_ptr<SimRadio> radio(new SimRadio(*this, options));
  SimRadio* raw = radio.get();
  std::unique_lock lk(radios_mutex_);
  radios_.push_back(std::move(radio));
  return raw;
}

void SimAir::remove_radio(SimRadio& radio) {
  std::unique_ptr<SimRadio> removed;
  {
    std::unique_lock lk(radios_mutex_);
    auto it = std::find_if(radios_.begin(), radios_.end(), [&](const auto& r) { return r.get() == &radio; });
    if (it == radios_.end()) return;
    removed = std::move(*it);
    radios_.erase(it);
  }
  // Destroyed here, outside the lock, so its transmit thread can finish.
}

void SimAir::set_loss(double probability) { loss_ = std::clamp(probability, 0.0, 1.0); }

void SimAir::set_link_loss(const MacAddress& a, const MacAddress& b, double probability) {
  std::lock_guard lk(rng_mutex_);
  const auto key = ordered(a, b);
  auto it = std::find_if(link_loss_.begin(), link_loss_.end(), [&](const auto& e) { return e.first == key; });
  if (it == link_loss_.end()) link_loss_.push_back({key, probability});
  else it->second = probability;
  has_link_loss_ = true;
}

AirStats SimAir::stats() const {
  return {counters_.transmissions.load(), counters_.deliveries.load(), counters_.lost.load(),
          counters_.too_weak.load(), counters_.acks.load()};
}

int SimAir::rssi_dbm(Position from, Position to, double tx_dbm) const {
  const double d = std::max(1.0, std::hypot(from.x - to.x, from.y - to.y));
  const double path_loss = options_.reference_loss_db + 10.0 * options_.path_loss_exponent * std::log10(d);
  return static_cast<int>(std::lround(std::clamp(tx_dbm - path_loss, -127.0, 0.0)));
}

bool SimAir::lose(const SimRadio& a, const SimRadio& b) {
  double p = loss_.load();
  if (p <= 0.0 && !has_link_loss_.load()) return false;
  std::lock_guard lk(rng_mutex_);
  if (has_link_loss_.load()) {
    const auto key = ordered(a.mac(Interface::sta), b.mac(Interface::sta));
    for (const auto& e : link_loss_)
      if (e.first == key) p = e.second;
  }
  if (p <= 0.0) return false;
  if (p >= 1.0) return true;
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng_) < p;
}

SimAir::Reservation SimAir::reserve_medium(std::uint8_t channel, std::size_t bytes, PhyRate rate, int attempt,
                                           bool group) {
  using std::chrono::microseconds;
  const std::uint32_t cw = std::min<std::uint32_t>(((kCwMin + 1) << attempt) - 1, kCwMax);
  std::uint32_t slots;
  {
    std::lock_guard lk(rng_mutex_);
    slots = std::uniform_int_distribution<std::uint32_t>(0, cw)(rng_);
  }
  std::lock_guard lk(medium_mutex_);
  auto& free_at = medium_free_[channel % medium_free_.size()];
  const auto start = std::max(clock_->now(), free_at);
  Reservation r;
  r.tx_end = start + microseconds(kDifsUs + slots * kSlotUs + airtime_us(rate, static_cast<std::uint32_t>(bytes)));
  r.end = group ? r.tx_end : r.tx_end + microseconds(kSifsUs + airtime_us(ack_rate(rate), kAckFrameBytes));
  free_at = r.end;
  return r;
}

void SimAir::run_transmission(SimRadio& sender, std::span<std::uint8_t> frame, PhyRate rate) {
  const MacAddress dst = MacAddress::read(frame.data() + 4);
  const bool group = dst.is_multicast();
  bool acked = false;
  for (int attempt = 0; attempt <= options_.max_retries; ++attempt) {
    if (attempt > 0) wire::set_retry(frame, true);  // same random value, same sequence
    const bool timed = timing_.load();
    Reservation res{};
    if (timed) {
      res = reserve_medium(sender.channel(), frame.size(), rate, attempt, group);
      clock_->sleep_until(res.tx_end);
    }
    acked = deliver(sender, frame, rate);
    if (timed) clock_->sleep_until(res.end);  // the ACK, or its timeout
    if (group || acked) break;
  }
  report_tx_done(sender, dst, group || acked);
}

bool SimAir::deliver(SimRadio& sender, std::span<const std::uint8_t> frame, PhyRate rate) {
  const MacAddress dst = MacAddress::read(frame.data() + 4);
  const bool group = dst.is_multicast();
  const std::uint8_t channel = sender.channel();
  const bool lr = is_long_range(rate);
  const int sensitivity = rate_info(rate).sensitivity_dbm;
  const Position from = sender.position();
  const double tx_dbm = sender.tx_power();

  std::shared_lock lk(radios_mutex_);
  ++counters_.transmissions;
  for (const auto& r : radios_) {
    if (r.get() == &sender || !r->listening() || r->channel() != channel) continue;
    if (lr && !r->long_range()) continue;
    if (group ? !dst.is_broadcast() : !r->owns(dst)) continue;  // nobody owns a multicast address
    const int rssi = rssi_dbm(from, r->position(), tx_dbm);
    if (rssi < sensitivity) {
      ++counters_.too_weak;
      continue;
    }
    if (lose(sender, *r)) {
      ++counters_.lost;
      continue;
    }
    ++counters_.deliveries;
    // No bit errors on this air, so every FCS is good (the contract of on_frame).
    if (r->listener_) {
      const RxInfo info{static_cast<std::int8_t>(rssi), channel, rate, r->now_us()};
      r->listener_->on_frame(frame, info);
    }
    if (!group) {
      // The owner's radio acknowledges, whether or not ESP-NOW runs on it.
      if (lose(*r, sender)) {
        ++counters_.lost;
        return false;
      }
      ++counters_.acks;
      return true;
    }
  }
  return false;
}

void SimAir::report_tx_done(SimRadio& sender, const MacAddress& dst, bool acked) {
  std::shared_lock lk(radios_mutex_);
  if (sender.listener_) sender.listener_->on_tx_done(dst, acked);
}

}  // namespace espnow
