#include "espnow/sim/air.hpp"

#include <algorithm>
#include <cmath>

#include "espnow/sim/spatial_order.hpp"
#include "espnow/wire/error_rate.hpp"

namespace espnow::sim {
namespace {

constexpr double kSpeedOfLight = 299792458.0;  // m/s

double distance(Position a, Position b) { return std::hypot(a.x - b.x, a.y - b.y); }

// Received power in dBm at `d` metres, unrounded and unclamped: the
// log-distance model of wire/air_physics.hpp (distances under 1 m count as 1 m).
double received_dbm(const PathLoss& model, double d, double tx_dbm) {
  return tx_dbm - (model.reference_db + 10.0 * model.exponent * std::log10(std::max(1.0, d)));
}

Time propagation_delay(double d) { return static_cast<Time>(std::llround(d / kSpeedOfLight * 1e9)); }

// Below this a frame can be neither detected (locked on) by any radio nor
// change its carrier sense measurably, so it gets no events: -97 dBm (the
// 1 Mbps sensitivity, 35 dB below energy detect: a signal this weak moves
// the energy-detect decision by 0.0014 dB), lower for the LR rates.
double event_level_dbm(PhyRate rate) {
  return std::min(detect_threshold_dbm(rate), detect_threshold_dbm(PhyRate::r1m));
}

// Transmissions are kept for faint-signal queries this long after they end,
// beyond the longest frame: time for the signal to reach a radio 1,500 km
// away and back (a field with no index may be that large).
constexpr Time kPropagationSlack = milliseconds(10);

// How many listeners ahead a frame's events fetch a radio's state. Far
// enough for the memory to answer while the events in between run (4 left
// the run waiting on it on the 10,000-device field); 16 radios' 9 lines
// are 9 kB, well inside the L1 cache.
constexpr std::uint32_t kPrefetchAhead = 16;

}  // namespace

Air::Air(Engine& engine, const AirConfig& config)
    : engine_(engine), config_(config), random_(config.seed) {
  ignore_below_mw_ =
      dbm_to_mw(thermal_noise_dbm(22e6, config_.noise_figure_db) - config_.ignore_below_noise_db);
}

std::uint32_t Air::add_radio(const RadioConfig& config) {
  const auto index = static_cast<std::uint32_t>(stations_.size());
  stations_.push_back(make_station(index, config));
  spots_.push_back(Spot{config.pos, config.channel, config.long_range});
  reaches_.emplace_back();
  ++generation_;
  if (config.tx_power_dbm > max_tx_dbm_) {
    max_tx_dbm_ = config.tx_power_dbm;
    rebuild_cells();  // a stronger radio reaches farther: wider cells
  } else if (cell_m_ > 0) {
    cells_[cell_of(config.pos)].push_back(index);
  }
  return index;
}

std::uint32_t Air::add_radios(std::span<const RadioConfig> configs) {
  const auto first = static_cast<std::uint32_t>(stations_.size());
  if (configs.empty()) return first;
  std::vector<Position> positions(configs.size());
  for (std::size_t k = 0; k < configs.size(); ++k) positions[k] = configs[k].pos;
  stations_.resize(first + configs.size());
  for (const std::uint32_t k : spatial_order(positions)) stations_[first + k] = make_station(first + k, configs[k]);
  for (const RadioConfig& c : configs) {
    spots_.push_back(Spot{c.pos, c.channel, c.long_range});
    reaches_.emplace_back();
    max_tx_dbm_ = std::max(max_tx_dbm_, c.tx_power_dbm);
  }
  ++generation_;
  rebuild_cells();
  return first;
}

Air::StationPtr Air::make_station(std::uint32_t index, const RadioConfig& config) {
  PhyConfig pc;
  pc.noise_figure_db = config_.noise_figure_db;
  pc.energy_detect_dbm = config_.energy_detect_dbm;
  pc.channel = config.channel;
  pc.long_range = config.long_range;
  pc.exact_reception = config_.exact_reception;
  MacConfig mc;
  mc.mac = config.mac;
  mc.queue_limit = config.queue_limit;
  mc.attempt_limit = config.attempt_limit;
  StationPtr s(station_memory_.make<Station>(engine_, random_, config, pc, mc,
                                             [this, index](const AirFrame& f) { transmit(index, f); }));
  s->index = index;
  // Two words of captures, which std::function keeps in itself: a third went
  // to the heap, one more cold line at every frame's end on a large field.
  s->phy.on_faint([this, st = s.get()](Time a, Time b, std::span<const std::uint64_t> delivered, bool bound,
                                       std::vector<FaintSignal>& out) { faint_signals(*st, a, b, delivered, bound, out); });
  return s;
}

void Air::set_position(std::uint32_t i, Position pos) {
  Station& st = *stations_[i];
  if (cell_m_ > 0 && !spots_[i].retired) {
    const CellKey from = cell_of(st.config.pos), to = cell_of(pos);
    if (from != to) {
      auto& v = cells_[from];
      v.erase(std::find(v.begin(), v.end(), i));
      cells_[to].push_back(i);
    }
  }
  st.config.pos = pos;
  st.pos = pos;
  spots_[i].pos = pos;
  ++generation_;
}

void Air::set_channel(std::uint32_t i, std::uint8_t channel) {
  stations_[i]->config.channel = channel;
  stations_[i]->phy.set_channel(channel);
  spots_[i].channel = channel;
  ++generation_;
}

void Air::set_tx_power(std::uint32_t i, double dbm) {
  stations_[i]->config.tx_power_dbm = dbm;
  ++generation_;
  if (dbm <= max_tx_dbm_) return;
  max_tx_dbm_ = dbm;
  rebuild_cells();  // it reaches farther: wider cells
}

void Air::retire(std::uint32_t i) {
  if (spots_[i].retired) return;
  if (cell_m_ > 0) {
    auto& v = cells_[cell_of(spots_[i].pos)];
    v.erase(std::find(v.begin(), v.end(), i));
  }
  spots_[i].retired = true;
  ++generation_;
}

void Air::set_long_range(std::uint32_t i, bool on) {
  stations_[i]->config.long_range = on;
  stations_[i]->phy.set_long_range(on);
  spots_[i].long_range = on;
  ++generation_;
}

Air::CellKey Air::cell_of(Position p) const {
  const auto cx = static_cast<std::int32_t>(std::floor(p.x / cell_m_));
  const auto cy = static_cast<std::int32_t>(std::floor(p.y / cell_m_));
  return (static_cast<CellKey>(static_cast<std::uint32_t>(cx)) << 32) | static_cast<std::uint32_t>(cy);
}

void Air::rebuild_cells() {
  // Beyond reach_m_, 10·n·log10(d) + the reference loss takes the strongest
  // 1 Mbps frame below its detection threshold. A model that does not fall
  // with distance gets no index.
  cells_.clear();
  cell_m_ = 0;
  reach_m_ = 0;
  faint_delay_ = kPropagationSlack;
  if (config_.path_loss.exponent <= 0) return;
  // How far a signal of the strongest radio stays above ignore_below_mw_,
  // with a margin for rounding: no signal from farther counts anywhere.
  const double faint_m =
      1.0 + 1.001 * std::pow(10.0, (max_tx_dbm_ - config_.path_loss.reference_db - mw_to_dbm(ignore_below_mw_)) /
                                       (10.0 * config_.path_loss.exponent));
  if (faint_m / kSpeedOfLight * 1e9 < static_cast<double>(kPropagationSlack))
    faint_delay_ = propagation_delay(faint_m) + 1;
  const double budget_db = max_tx_dbm_ - config_.path_loss.reference_db - detect_threshold_dbm(PhyRate::r1m);
  reach_m_ = std::pow(10.0, budget_db / (10.0 * config_.path_loss.exponent));
  if (!(reach_m_ < 1e7)) return;  // larger than any field: one list is as good
  cell_m_ = std::max(1.0, reach_m_ / 2);
  for (std::uint32_t i = 0; i < spots_.size(); ++i)
    if (!spots_[i].retired) cells_[cell_of(spots_[i].pos)].push_back(i);
}

void Air::candidates(Position p, double radius, std::vector<std::uint32_t>& out) const {
  out.clear();
  const double rings = cell_m_ > 0 ? std::ceil(radius / cell_m_) : INFINITY;
  if (!(rings <= 64)) {  // no index, or a reach wider than the index helps with
    for (std::uint32_t i = 0; i < stations_.size(); ++i)
      if (!spots_[i].retired) out.push_back(i);
    return;
  }
  const auto r = static_cast<std::int32_t>(rings);
  const double r2 = (radius + 1.0) * (radius + 1.0);  // generous: the caller checks the power
  const auto cx = static_cast<std::int32_t>(std::floor(p.x / cell_m_));
  const auto cy = static_cast<std::int32_t>(std::floor(p.y / cell_m_));
  for (std::int32_t dx = -r; dx <= r; ++dx)
    for (std::int32_t dy = -r; dy <= r; ++dy) {
      const CellKey k = (static_cast<CellKey>(static_cast<std::uint32_t>(cx + dx)) << 32) |
                        static_cast<std::uint32_t>(cy + dy);
      const auto it = cells_.find(k);
      if (it == cells_.end()) continue;
      for (const std::uint32_t i : it->second) {
        const Position q = spots_[i].pos;
        if ((q.x - p.x) * (q.x - p.x) + (q.y - p.y) * (q.y - p.y) <= r2) out.push_back(i);
      }
    }
}

void Air::channel_use(std::uint8_t channel, bool start) {
  ChannelUse& c = channels_[channel];
  if (start) {
    if (c.active++ == 0) c.since = engine_.now();
  } else if (--c.active == 0) {
    c.busy += engine_.now() - c.since;
  }
}

Time Air::busy_time(std::uint8_t channel) const {
  const ChannelUse& c = channels_[channel];
  return c.busy + (c.active > 0 ? engine_.now() - c.since : 0);
}

double Air::rx_dbm(std::uint32_t from, std::uint32_t to) const {
  const RadioConfig& a = stations_[from]->config;
  return received_dbm(config_.path_loss, distance(a.pos, stations_[to]->config.pos), a.tx_power_dbm);
}

void Air::forget_old_transmissions() {
  // A frame locked on now began at most the longest frame ago; a
  // transmission that ended (plus faint_delay_, the farthest its signal
  // counts) before that overlaps no lock still open, nor any later one.
  const Time now = engine_.now();
  while (!recent_.empty()) {
    const Transmission& t = recent_.front()->tx;
    if (t.start + t.duration + longest_ + faint_delay_ >= now) break;
    release(*flights_[recent_.front()->index]);
    recent_.pop_front();
    --recent_count_;
  }
}

void Air::faint_signals(const Station& rx, Time from_t, Time to_t, std::span<const std::uint64_t> delivered,
                        bool bound, std::vector<FaintSignal>& out) const {
  const std::uint32_t to = rx.index;
  // The receiver's position and channel from its Station, whose lines its
  // frame's events fetched ahead (prefetch), not from spots_, cold there.
  const Position rx_pos = rx.pos;
  const std::uint8_t rx_channel = rx.phy.channel();
  for (const Flight* f : recent_) {
    const Transmission& t = f->tx;
    // Cheap tests first: most transmissions are far off in time, or were delivered.
    // (A signal that would arrive later than faint_delay_ is below
    // ignore_below_mw_, left out by the last test anyway.)
    if (t.start >= to_t || t.start + t.duration + faint_delay_ <= from_t || t.from == to) continue;
    const double factor = adjacent_channel_factor(int(rx_channel) - int(t.channel));
    if (factor == 0.0) continue;
    if (std::find(delivered.begin(), delivered.end(), t.id) != delivered.end()) continue;
    // Not an event here, so below the level that would have made it one
    // (reach_of), unless a radio moved, retuned or changed power since it was sent.
    if (bound && f->generation == generation_) {
      out.push_back({t.id, t.start, t.start + t.duration + faint_delay_, f->event_mw});
      continue;
    }
    // Then the exact overlap, and the power (pow, log) only for those that overlap.
    const double d = distance(f->pos, rx_pos);
    const Time arrive = t.start + propagation_delay(d);
    if (arrive >= to_t || arrive + t.duration <= from_t) continue;
    const double mw = dbm_to_mw(received_dbm(config_.path_loss, d, t.tx_dbm)) * factor;
    if (mw >= ignore_below_mw_) out.push_back({t.id, arrive, arrive + t.duration, mw});
  }
}

Air::Flight& Air::new_flight() {
  if (free_flights_.empty()) {
    auto f = std::make_unique<Flight>();
    f->air = this;
    f->index = static_cast<std::uint32_t>(flights_.size());
    f->starts.flight = f->ends.flight = f.get();
    f->ends.ends = true;
    flights_.push_back(std::move(f));
    return *flights_.back();
  }
  Flight& f = *flights_[free_flights_.back()];
  free_flights_.pop_back();
  return f;
}

void Air::release(Flight& f) {
  if (--f.refs > 0) return;
  f.reach.reset();  // so that its sender's Reach may be worked out again in place
  free_flights_.push_back(f.index);
}

bool Air::Edges::next(std::uint32_t item, Time& when, std::uint64_t& seq, std::uint32_t& next_item) const {
  const Flight& f = *flight;
  if (item + 1 >= f.count) return false;
  const Listener& n = f.listeners[item + 1];
  const Time arrive = f.tx.start + n.arrive;
  when = ends ? arrive + f.tx.duration : arrive;
  seq = f.seq + 2 * std::uint64_t{n.station()} + (ends ? 1 : 0);
  next_item = item + 1;
  return true;
}

void Air::prefetch(const Station& s) {
  // The position (faint_signals reads it at a frame's end), the PHY and the
  // MAC's state a reception reads, from the Station's first line. Only those
  // lines: on a field of 10,000 the lines fetched per reception are what the
  // run waits on.
  const char* from = reinterpret_cast<const char*>(&s);
  const char* to = s.mac.hot_end();
  for (const char* p = from; p < to; p += 64) __builtin_prefetch(p);
}

void Air::prefetch_companion(const Listener& l) const {
  // Only where the frame may be delivered; the station's first line, which
  // says where its companion is, was asked for kPrefetchAhead / 2 events ago.
  if (!l.decodable()) return;
  const Station& s = *stations_[l.station()];
  for (std::uint32_t k = 0; k < s.companion_lines; ++k) __builtin_prefetch(s.companion + 64 * k);
}

void Air::set_companion(std::uint32_t i, const void* state, std::size_t bytes) {
  // From the line that holds `state` to the one that holds its last byte.
  const auto begin = reinterpret_cast<std::uintptr_t>(state) & ~std::uintptr_t{63};
  const auto end = reinterpret_cast<std::uintptr_t>(state) + bytes;
  stations_[i]->companion = reinterpret_cast<const char*>(begin);
  stations_[i]->companion_lines = bytes ? static_cast<std::uint32_t>((end - begin + 63) / 64) : 0;
}

void Air::Edges::run(std::uint32_t item) {
  Flight& f = *flight;
  // Each listener's state is cold on a large field (the frame before that
  // reached it went to hundreds of others since): ask for it a few listeners
  // ahead, so the memory works while this one's events run. At a frame's
  // end, the state its delivery goes on to read too (set_companion).
  const Air& air = *f.air;
  if (item + kPrefetchAhead < f.count) prefetch(*air.stations_[f.listeners[item + kPrefetchAhead].station()]);
  if (ends && item + kPrefetchAhead / 2 < f.count) air.prefetch_companion(f.listeners[item + kPrefetchAhead / 2]);
  const Listener& l = f.listeners[item];
  Phy& phy = air.stations_[l.station()]->phy;
  if (!ends) {
    phy.signal_start(f.tx, l.mw, l.dbm, l.decodable());
    return;
  }
  // Every transmission that may still count as a faint signal somewhere is
  // in recent_: when this frame is the only one, none can have overlapped it
  // (most frames' ends on a quiet field), and the radio need not ask.
  phy.signal_end(f.tx, &f.clean[item], air.recent_count_ > 1);
  if (item + 1 == f.count) f.air->release(f);  // its last event
}

std::uint8_t Air::reach_slot(PhyRate rate) {
  // The 802.11 rates share one event level (the 1 Mbps sensitivity); each LR rate has its own.
  return !is_long_range(rate) ? 0 : rate == PhyRate::lora_250k ? 1 : 2;
}

const std::shared_ptr<Air::Listeners>& Air::reach_of(std::uint32_t from, PhyRate rate) {
  const bool long_range_rate = is_long_range(rate);
  Reach& reach = reaches_[from][reach_slot(rate)];
  if (reach.generation == generation_) return reach.list;
  reach.generation = generation_;
  // Frames still on the air keep the old list; otherwise it is reused.
  if (!reach.list || reach.list.use_count() > 1) reach.list = std::make_shared<Listeners>(&list_memory_);
  const Station& sender = *stations_[from];
  const Position pos = sender.config.pos;
  const double tx_dbm = sender.config.tx_power_dbm;
  const std::uint8_t channel = sender.phy.channel();
  const double event_dbm = event_level_dbm(rate);
  const double event_mw = dbm_to_mw(event_dbm);
  const double radius =
      config_.path_loss.exponent > 0
          ? std::pow(10.0, (tx_dbm - config_.path_loss.reference_db - event_dbm) / (10.0 * config_.path_loss.exponent))
          : INFINITY;
  candidates(pos, radius, scratch_);
  // Built in a scratch vector and copied: the Reach's own takes exactly its
  // size (at 10,000 devices there are 3.8 million listeners, and push_back's
  // spare capacity was a third more memory, its pages cleared by the kernel).
  std::vector<Listener>& listeners = scratch_listeners_;
  listeners.clear();
  for (const std::uint32_t i : scratch_) {
    if (i == from) continue;
    const Spot& rx = spots_[i];
    const double factor = adjacent_channel_factor(int(rx.channel) - int(channel));
    if (factor == 0.0) continue;
    const double d = distance(pos, rx.pos);
    const double mw = dbm_to_mw(received_dbm(config_.path_loss, d, tx_dbm)) * factor;
    if (mw < event_mw) continue;
    const bool decodable = rx.channel == channel && (!long_range_rate || rx.long_range);
    const Time delay = propagation_delay(d);
    if (delay > Time{UINT32_MAX}) continue;  // farther than 1.3 million km: no frame arrives in a run
    listeners.push_back(Listener{mw, mw_to_dbm(mw), static_cast<std::uint32_t>(delay), i << 1 | (decodable ? 1u : 0u)});
  }
  // Each listener's start and end take sequence numbers in the order two
  // closures scheduled in index order would have taken theirs (2·index and
  // 2·index + 1 from the flight's block); the sequences run them in (time,
  // sequence number) order, as the engine would have.
  std::sort(listeners.begin(), listeners.end(), [](const Listener& a, const Listener& b) {
    return a.arrive != b.arrive ? a.arrive < b.arrive : a.station() < b.station();
  });
  reach.list->listeners.assign(listeners.begin(), listeners.end());
  reach.list->clean.assign(listeners.size(), CleanSuccess{});
  return reach.list;
}

void Air::transmit(std::uint32_t from, const AirFrame& frame) {
  Station& sender = *stations_[from];
  Flight& flight = new_flight();
  Transmission& tx = flight.tx;
  tx.id = next_tx_id_++;
  tx.from = from;
  tx.channel = sender.phy.channel();
  tx.tx_dbm = sender.config.tx_power_dbm;
  tx.start = engine_.now();
  tx.duration = frame_duration(frame.rate, frame.bytes);
  tx.frame = frame;
  flight.pos = sender.config.pos;
  flight.generation = generation_;
  flight.event_mw = dbm_to_mw(event_level_dbm(frame.rate));
  if (on_transmit_) on_transmit_(tx);

  sender.phy.tx_start();
  channel_use(tx.channel, true);
  engine_.after(tx.duration, [this, from, ch = tx.channel] {
    channel_use(ch, false);
    stations_[from]->phy.tx_end();
  });
  forget_old_transmissions();
  recent_.push_back(&flight);
  ++recent_count_;
  longest_ = std::max(longest_, tx.duration);

  // Events only where the frame could be detected; elsewhere it is faint
  // (faint_signals) and costs nothing until a frame it overlaps ends.
  flight.reach = reach_of(from, frame.rate);
  flight.listeners = flight.reach->listeners.data();
  flight.clean = flight.reach->clean.data();
  const auto n = static_cast<std::uint32_t>(flight.reach->listeners.size());
  flight.count = n;
  flight.seq = engine_.reserve(n > 0 ? 2 * std::uint64_t{stations_.size()} : 0);  // two per radio: see reach_of
  flight.refs = n > 0 ? 2 : 1;  // recent_, and the events
  if (n == 0) return;
  for (std::uint32_t k = 0; k < std::min(n, kPrefetchAhead); ++k) prefetch(*stations_[flight.listeners[k].station()]);
  const Listener& first = flight.listeners[0];
  const Time arrive = tx.start + first.arrive;
  engine_.add(flight.starts, arrive, flight.seq + 2 * std::uint64_t{first.station()}, 0, n);
  engine_.add(flight.ends, arrive + tx.duration, flight.seq + 2 * std::uint64_t{first.station()} + 1, 0, n);
}

}  // namespace espnow::sim
