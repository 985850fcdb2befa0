// The discrete-event air (docs/simulation.md, "The discrete-event air"):
// radios at positions on channels 1..14, each a PHY and a DCF MAC, on one
// Engine. A transmission reaches every radio that can feel it, after the
// propagation delay, with the power the log-distance model gives (times the
// adjacent-channel factor); radios far below the noise floor are skipped, and
// a grid of cells as wide as the strongest radio's reach keeps them from
// costing anything: a frame's cost grows with the radios that can feel it.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>
#include <vector>

#include "espnow/sim/dcf.hpp"
#include "espnow/sim/engine.hpp"
#include "espnow/sim/phy.hpp"
#include "espnow/sim/random.hpp"
#include "espnow/wire/air_physics.hpp"

namespace espnow::sim {

struct AirConfig {
  PathLoss path_loss;
  std::uint64_t seed = 1;
  double noise_figure_db = 7.0;
  double energy_detect_dbm = -62.0;
  // Signals this far below the noise floor cost nothing: not delivered.
  double ignore_below_noise_db = 30.0;
};

struct RadioConfig {
  MacAddress mac;
  Position pos;
  double tx_power_dbm = 20.0;
  std::uint8_t channel = 1;
  bool long_range = false;
  std::uint32_t queue_limit = 16;
  std::uint32_t attempt_limit = 6;
};

// The power a transmitter k channels away adds to a receiver: the share of
// its spectrum that overlaps (Mishra et al., SIGMETRICS 2006).
double adjacent_channel_factor(int channel_distance) noexcept;

class Air {
 public:
  Air(Engine& engine, const AirConfig& config);
  Air(const Air&) = delete;
  Air& operator=(const Air&) = delete;

  // Adds a radio; its index names it from then on.
  std::uint32_t add_radio(const RadioConfig& config);
  std::size_t size() const noexcept { return stations_.size(); }
  Dcf& mac(std::uint32_t i) { return *stations_[i]->mac; }
  Phy& phy(std::uint32_t i) { return *stations_[i]->phy; }
  const RadioConfig& radio(std::uint32_t i) const { return stations_[i]->config; }
  void set_position(std::uint32_t i, Position pos);
  // How far the strongest radio's signal stays above the ignore level: no
  // radio farther than this from a sender feels its frames.
  double reach_m() const noexcept { return cell_m_; }

  Engine& engine() noexcept { return engine_; }
  Random& random() noexcept { return random_; }
  // Time some transmission was on the air on `channel` (sender's view), up to now.
  Time busy_time(std::uint8_t channel) const;
  std::uint64_t transmissions() const noexcept { return next_tx_id_ - 1; }

  // Told of every frame as it goes on the air, in event order (a capture of
  // the whole air: `espnow sim --pcap`).
  using OnTransmit = std::function<void(const Transmission&)>;
  void on_transmit(OnTransmit f) { on_transmit_ = std::move(f); }
  // The power (dBm) radio `to` receives of radio `from`'s signal on the same
  // channel: the path-loss model, as transmissions are delivered.
  double rx_dbm(std::uint32_t from, std::uint32_t to) const;

 private:
  struct Station {
    RadioConfig config;
    std::unique_ptr<Phy> phy;
    std::unique_ptr<Dcf> mac;
  };
  struct ChannelUse {
    std::uint32_t active = 0;
    Time since = 0;
    Time busy = 0;
  };

  void transmit(std::uint32_t from, const AirFrame& frame);
  // The spatial index: square cells as wide as reach_m(), so a sender's
  // listeners are in its own cell and the eight around it.
  using CellKey = std::uint64_t;
  CellKey cell_of(Position p) const;
  void rebuild_cells();
  void candidates(Position p, std::vector<std::uint32_t>& out) const;
  void channel_use(std::uint8_t channel, bool start);

  Engine& engine_;
  AirConfig config_;
  Random random_;
  double ignore_below_mw_;
  std::vector<std::unique_ptr<Station>> stations_;
  std::array<ChannelUse, 15> channels_{};
  std::uint64_t next_tx_id_ = 1;
  double max_tx_dbm_ = -1e9;
  double cell_m_ = 0;  // 0: no index (every radio a candidate)
  std::unordered_map<CellKey, std::vector<std::uint32_t>> cells_;
  std::vector<std::uint32_t> scratch_;  // candidates of the frame being sent
  OnTransmit on_transmit_;
};

}  // namespace espnow::sim
