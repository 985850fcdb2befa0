#include "espnow/sim/air.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "espnow/wire/error_rate.hpp"

namespace espnow::sim {
namespace {

constexpr double kSpeedOfLight = 299792458.0;  // m/s

// Received power in dBm, unrounded and unclamped: the log-distance model of
// wire/air_physics.hpp (distances under 1 m count as 1 m).
double received_dbm(const PathLoss& model, Position from, Position to, double tx_dbm) {
  const double d = std::max(1.0, std::hypot(from.x - to.x, from.y - to.y));
  return tx_dbm - (model.reference_db + 10.0 * model.exponent * std::log10(d));
}

Time propagation_delay(Position a, Position b) {
  return static_cast<Time>(std::llround(std::hypot(a.x - b.x, a.y - b.y) / kSpeedOfLight * 1e9));
}

}  // namespace

double adjacent_channel_factor(int channel_distance) noexcept {
  static constexpr double kFactor[] = {1.0, 0.7272, 0.2714, 0.0375, 0.0054, 0.0008};
  const int k = std::abs(channel_distance);
  return k < 6 ? kFactor[k] : 0.0;
}

Air::Air(Engine& engine, const AirConfig& config)
    : engine_(engine), config_(config), random_(config.seed) {
  ignore_below_mw_ =
      dbm_to_mw(thermal_noise_dbm(22e6, config_.noise_figure_db) - config_.ignore_below_noise_db);
}

std::uint32_t Air::add_radio(const RadioConfig& config) {
  const auto index = static_cast<std::uint32_t>(stations_.size());
  auto s = std::make_unique<Station>();
  s->config = config;
  PhyConfig pc;
  pc.noise_figure_db = config_.noise_figure_db;
  pc.energy_detect_dbm = config_.energy_detect_dbm;
  pc.channel = config.channel;
  pc.long_range = config.long_range;
  MacConfig mc;
  mc.mac = config.mac;
  mc.queue_limit = config.queue_limit;
  mc.attempt_limit = config.attempt_limit;
  s->phy = std::make_unique<Phy>(engine_, random_, pc);
  s->mac = std::make_unique<Dcf>(engine_, random_, mc, *s->phy,
                                 [this, index](const AirFrame& f) { transmit(index, f); });
  s->phy->attach(*s->mac);
  stations_.push_back(std::move(s));
  if (config.tx_power_dbm > max_tx_dbm_) {
    max_tx_dbm_ = config.tx_power_dbm;
    rebuild_cells();  // a stronger radio reaches farther: wider cells
  } else if (cell_m_ > 0) {
    cells_[cell_of(config.pos)].push_back(index);
  }
  return index;
}

void Air::set_position(std::uint32_t i, Position pos) {
  Station& st = *stations_[i];
  if (cell_m_ > 0) {
    const CellKey from = cell_of(st.config.pos), to = cell_of(pos);
    if (from != to) {
      auto& v = cells_[from];
      v.erase(std::find(v.begin(), v.end(), i));
      cells_[to].push_back(i);
    }
  }
  st.config.pos = pos;
}

Air::CellKey Air::cell_of(Position p) const {
  const auto cx = static_cast<std::int32_t>(std::floor(p.x / cell_m_));
  const auto cy = static_cast<std::int32_t>(std::floor(p.y / cell_m_));
  return (static_cast<CellKey>(static_cast<std::uint32_t>(cx)) << 32) | static_cast<std::uint32_t>(cy);
}

void Air::rebuild_cells() {
  // Beyond d, 10·n·log10(d) + the reference loss takes the strongest signal
  // below the ignore level. A model that does not fall with distance gets no index.
  cells_.clear();
  cell_m_ = 0;
  const double budget_db = max_tx_dbm_ - config_.path_loss.reference_db - mw_to_dbm(ignore_below_mw_);
  if (config_.path_loss.exponent <= 0) return;
  const double reach = std::pow(10.0, budget_db / (10.0 * config_.path_loss.exponent));
  if (!(reach < 1e7)) return;  // larger than any field: one list is as good
  cell_m_ = std::max(1.0, reach);
  for (std::uint32_t i = 0; i < stations_.size(); ++i) cells_[cell_of(stations_[i]->config.pos)].push_back(i);
}

void Air::candidates(Position p, std::vector<std::uint32_t>& out) const {
  out.clear();
  if (cell_m_ == 0) {
    for (std::uint32_t i = 0; i < stations_.size(); ++i) out.push_back(i);
    return;
  }
  const auto cx = static_cast<std::int32_t>(std::floor(p.x / cell_m_));
  const auto cy = static_cast<std::int32_t>(std::floor(p.y / cell_m_));
  for (std::int32_t dx = -1; dx <= 1; ++dx)
    for (std::int32_t dy = -1; dy <= 1; ++dy) {
      const CellKey k = (static_cast<CellKey>(static_cast<std::uint32_t>(cx + dx)) << 32) |
                        static_cast<std::uint32_t>(cy + dy);
      const auto it = cells_.find(k);
      if (it != cells_.end()) out.insert(out.end(), it->second.begin(), it->second.end());
    }
  // Index order, as without the index: same-time events keep their order.
  std::sort(out.begin(), out.end());
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
  return received_dbm(config_.path_loss, a.pos, stations_[to]->config.pos, a.tx_power_dbm);
}

void Air::transmit(std::uint32_t from, const AirFrame& frame) {
  Station& sender = *stations_[from];
  auto tx = std::make_shared<Transmission>();
  tx->id = next_tx_id_++;
  tx->from = from;
  tx->channel = sender.phy->channel();
  tx->tx_dbm = sender.config.tx_power_dbm;
  tx->start = engine_.now();
  tx->duration = frame_duration(frame.rate, frame.bytes);
  tx->frame = frame;
  std::shared_ptr<const Transmission> shared = tx;
  if (on_transmit_) on_transmit_(*tx);

  sender.phy->tx_start();
  channel_use(tx->channel, true);
  engine_.after(tx->duration, [this, from, ch = tx->channel] {
    channel_use(ch, false);
    stations_[from]->phy->tx_end();
  });

  const bool lr = is_long_range(frame.rate);
  candidates(sender.config.pos, scratch_);
  for (const std::uint32_t i : scratch_) {
    if (i == from) continue;
    Station& rx = *stations_[i];
    const double factor = adjacent_channel_factor(int(rx.phy->channel()) - int(tx->channel));
    if (factor == 0.0) continue;
    const double mw = dbm_to_mw(received_dbm(config_.path_loss, sender.config.pos, rx.config.pos, tx->tx_dbm)) * factor;
    if (mw < ignore_below_mw_) continue;
    const bool decodable = rx.phy->channel() == tx->channel && (!lr || rx.phy->long_range());
    const Time arrive = engine_.now() + propagation_delay(sender.config.pos, rx.config.pos);
    Phy* phy = rx.phy.get();
    engine_.at(arrive, [phy, shared, mw, decodable] { phy->signal_start(shared, mw, decodable); });
    engine_.at(arrive + tx->duration, [phy, shared] { phy->signal_end(*shared); });
  }
}

}  // namespace espnow::sim
