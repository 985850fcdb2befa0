// The discrete-event air (docs/simulation.md, "The discrete-event air"):
// radios at positions on channels 1..14, each a PHY and a DCF MAC, on one
// Engine. A transmission reaches every radio that can feel it, after the
// propagation delay, with the power the log-distance model gives (times the
// adjacent-channel factor). Only radios that could detect it get events (its
// start and end); the others feel it faintly, and it counts in their SINR when
// a frame they are locked on ends (Phy::on_faint). A grid of cells keeps the
// radios out of range from costing anything: a frame's cost grows with the
// radios that can detect it.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <memory_resource>
#include <span>
#include <unordered_map>
#include <vector>

#include "espnow/sim/dcf.hpp"
#include "espnow/sim/engine.hpp"
#include "espnow/sim/huge_page_arena.hpp"
#include "espnow/sim/huge_page_blocks.hpp"
#include "espnow/sim/phy.hpp"
#include "espnow/sim/random.hpp"
#include "espnow/wire/air_physics.hpp"

namespace espnow::sim {

struct AirConfig {
  PathLoss path_loss;
  std::uint64_t seed = 1;
  double noise_figure_db = 7.0;
  double energy_detect_dbm = -62.0;
  // Signals this far below the noise floor are left out of every SINR.
  //
  // Why 45 dB (SPEC §3; the noise floor N is -93.6 dBm with a 7 dB noise
  // figure): a signal of power I <= N * 10^(-X/10) left out changes a
  // reception's SINR = S / (N + I_others) by a factor of at most
  // 1 + 10^(-X/10). The frame survives with P = prod (1 - BER(SINR))^bits;
  // the steepest |dP / d ln SINR| of the DSSS formulas over ESP-NOW frames
  // (up to 293 bytes, plus the 1 Mbps PLCP header) is 2.7 (DBPSK 2.66 at
  // -4.8 dB, DQPSK 2.31, CCK 5.5 2.73; computed from wire/error_rate.cpp).
  // At X = 45 a left-out signal moves any frame's success probability by at
  // most 2.7 * 10^-4.5 = 9e-5, so a million borderline receptions, each with
  // such a signal over it, would be needed to see it at one sigma. Carrier
  // sense cannot see it either: -138.6 dBm is 41.6 dB below the weakest
  // detection threshold (-97 dBm at 1 Mbps) and 76.6 dB below energy detect.
  // Neglected: the sum of many left-out signals at once (k of them move P by
  // at most k * 9e-5); the thresholds with no slope (OFDM and LR, which succeed
  // above a fixed SINR, and CCK 11's fit, error-free above SINR 10), whose
  // outcome flips only for a SINR within 10*log10(1 + 10^-4.5) = 0.00014 dB of
  // the threshold. The level costs nothing at scale: signals below detection
  // are not events (Phy::on_faint), so it only sets which of the frames on the
  // air a locked radio adds up when its frame ends.
  double ignore_below_noise_db = 45.0;
  // Works out every locked frame's chance exactly, with each faint signal's
  // power and the pieces it cuts the frame into, where the radios otherwise
  // decide most draws from bounds on it (Phy::survives). The same outcomes,
  // more slowly: the reference the bounded decisions are tested against.
  bool exact_reception = false;
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
// Inline: every faint signal a locked frame asks about passes through it.
inline double adjacent_channel_factor(int channel_distance) noexcept {
  static constexpr double kFactor[] = {1.0, 0.7272, 0.2714, 0.0375, 0.0054, 0.0008};
  const int k = channel_distance < 0 ? -channel_distance : channel_distance;
  return k < 6 ? kFactor[k] : 0.0;
}

class Air {
 public:
  Air(Engine& engine, const AirConfig& config);
  Air(const Air&) = delete;
  Air& operator=(const Air&) = delete;

  // Adds a radio; its index names it from then on.
  std::uint32_t add_radio(const RadioConfig& config);
  // Adds radios at once, indexed in the span's order from the returned
  // first index on, as add_radio one by one would; their state is laid out
  // in memory in spatial_order() of their positions, so that the radios a
  // frame reaches lie together (a large field runs faster; the run's output
  // is the same).
  std::uint32_t add_radios(std::span<const RadioConfig> configs);
  std::size_t size() const noexcept { return stations_.size(); }
  Dcf& mac(std::uint32_t i) { return stations_[i]->mac; }
  // Retune through set_channel() and set_long_range() below, not the Phy's own.
  Phy& phy(std::uint32_t i) { return stations_[i]->phy; }
  const RadioConfig& radio(std::uint32_t i) const { return stations_[i]->config; }
  void set_position(std::uint32_t i, Position pos);
  // Retunes radio i (Phy::set_channel: what it was receiving is forgotten).
  void set_channel(std::uint32_t i, std::uint8_t channel);
  void set_tx_power(std::uint32_t i, double dbm);
  void set_long_range(std::uint32_t i, bool on);
  // Takes radio i off the air for good (its device is gone: an emulated chip
  // that reboots is a new radio each boot): no frame reaches it from now on,
  // so a frame's cost does not grow with the radios that left. Its index
  // stays taken, and what it had on the air runs to its end.
  void retire(std::uint32_t i);
  // How far the strongest radio's 1 Mbps frame can be detected (-97 dBm):
  // radios farther away get no events for it, and cost nothing. The
  // long-range rates, detected from -105 dBm, reach farther.
  double reach_m() const noexcept { return reach_m_; }

  Engine& engine() noexcept { return engine_; }
  Random& random() noexcept { return random_; }
  // Time some transmission was on the air on `channel` (sender's view), up to now.
  Time busy_time(std::uint8_t channel) const;
  std::uint64_t transmissions() const noexcept { return next_tx_id_ - 1; }

  // Memory a reception at radio i goes on to read beyond the radio itself:
  // its owner's state (espnow sim's SoftLink of that node). A frame's events
  // fetch it ahead, with the radio's own lines, at the radios that can
  // decode the frame. A hint to the cache: no effect on the run.
  void set_companion(std::uint32_t i, const void* state, std::size_t bytes);

  // Told of every frame as it goes on the air, in event order (a capture of
  // the whole air: `espnow sim --pcap`).
  using OnTransmit = std::function<void(const Transmission&)>;
  void on_transmit(OnTransmit f) { on_transmit_ = std::move(f); }
  // The power (dBm) radio `to` receives of radio `from`'s signal on the same
  // channel: the path-loss model, as transmissions are delivered.
  double rx_dbm(std::uint32_t from, std::uint32_t to) const;

 private:
  // One radio. What a reception reads of it comes first and together (the
  // position, the whole Phy, the MAC's members up to Dcf::hot_end()), from
  // the start of a cache line: on a field of 10,000 a radio's state is cold
  // when a frame reaches it, and prefetch() fetches exactly those lines.
  // The rest (the MAC's sending side, the radio's config) lies after them.
  struct alignas(64) Station {
    Station(Engine& engine, Random& random, const RadioConfig& radio, const PhyConfig& pc, const MacConfig& mc,
            Dcf::Transmit transmit)
        : pos(radio.pos), phy(engine, random, pc), mac(engine, random, mc, phy, std::move(transmit)), config(radio) {
      phy.attach(mac);
    }
    Position pos;             // config.pos, here for faint_signals
    std::uint32_t index = 0;  // in stations_
    std::uint32_t companion_lines = 0;  // set_companion's, as cache lines from `companion`
    const char* companion = nullptr;
    Phy phy;
    Dcf mac;
    RadioConfig config;
  };
  // What a frame's sender needs of every radio around it, packed in one
  // array (the frame's candidates are read from it, not from their Station).
  struct Spot {
    Position pos;
    std::uint8_t channel;
    bool long_range;
    bool retired = false;  // retire(): in no cell and no candidate list
  };
  struct ChannelUse {
    std::uint32_t active = 0;
    Time since = 0;
    Time busy = 0;
  };

  // One radio that a frame reaches with events: when, and how strongly.
  // 24 bytes: at 10,000 devices there are 3.8 million, each list built in
  // memory the kernel clears first and read once per frame (a pointer to the
  // station and a separate place in scheduling order made it 40, a 64-bit
  // delay and a bool of their own 32).
  struct Listener {
    double mw;                // after the adjacent-channel factor
    double dbm;               // mw_to_dbm(mw): worked out once per sender and listener, not per frame
    std::uint32_t arrive;     // the propagation delay, ns (4.3 s at most: 1.3 million km)
    std::uint32_t station_decodable;  // station() << 1 | decodable()

    // The radio's index; also its sequence numbers: 2·station and 2·station + 1 on.
    std::uint32_t station() const noexcept { return station_decodable >> 1; }
    // On the sender's channel, at a rate the radio can decode.
    bool decodable() const noexcept { return station_decodable & 1; }
  };
  static_assert(sizeof(Listener) == 24);  // (31 bits of index: 2^31 radios' state would be 6 TB)
  struct Flight;
  struct Listeners;
  // A frame's signal starts (or ends) at its listeners, in time order: one
  // entry in the engine's queue for all of them. Items are listener indices.
  struct Edges final : EventSequence {
    Flight* flight = nullptr;
    bool ends = false;
    bool next(std::uint32_t item, Time& when, std::uint64_t& seq, std::uint32_t& next_item) const override;
    void run(std::uint32_t item) override;
  };
  // A transmission and its listeners, kept while its events are pending or
  // its faint signal may still count somewhere (recent_); then reused.
  struct Flight {
    Air* air = nullptr;
    std::uint32_t index = 0;  // in flights_
    std::uint32_t refs = 0;   // recent_, and the pending events
    Transmission tx;
    Position pos;             // the sender's, when it sent
    std::uint64_t generation = 0;  // the air's generation_ when it was sent
    double event_mw = 0.0;         // below this its signal got no event at a radio (reach_of)
    std::uint64_t seq = 0;    // the first of the sequence numbers reserved for its listeners' events (two per radio)
    // Its listeners: the sender's Listeners (below), shared with the Reach
    // they came from and kept alive for the flight even if it is worked out
    // again; a listener's signal arrives at tx.start + its `arrive`.
    std::shared_ptr<Listeners> reach;
    const Listener* listeners = nullptr;  // reach's, in order of arrival (then of `order`)
    CleanSuccess* clean = nullptr;        // reach's
    std::uint32_t count = 0;              // of listeners
    Edges starts;
    Edges ends;
  };

  // Whom a sender's frames reach with events, as long as no radio moves,
  // retunes or changes power (generation_): worked out at its first frame
  // after such a change, not at every frame. `arrive` is the propagation
  // delay. A frame on the air reads them where they are, not a copy (400
  // listeners, 16 kB per frame at 10,000 devices).
  struct Listeners {
    explicit Listeners(std::pmr::memory_resource* memory) : listeners(memory), clean(memory) {}
    std::pmr::vector<Listener> listeners;  // in order of arrival (then of `order`)
    std::pmr::vector<CleanSuccess> clean;  // by listener: its clean frames' success (Phy::signal_end)
  };
  struct Reach {
    std::uint64_t generation = 0;  // 0: never worked out
    std::shared_ptr<Listeners> list;
  };

  using StationPtr = std::unique_ptr<Station, HugePageArena::Destroy>;
  StationPtr make_station(std::uint32_t index, const RadioConfig& config);
  void transmit(std::uint32_t from, const AirFrame& frame);
  const std::shared_ptr<Listeners>& reach_of(std::uint32_t from, PhyRate rate);
  static std::uint8_t reach_slot(PhyRate rate);
  static void prefetch(const Station& station);  // a hint to the cache: no effect on the run
  void prefetch_companion(const Listener& listener) const;  // likewise
  Flight& new_flight();
  void release(Flight& f);
  // The faint signals radio `rx` felt over [from_t, to_t).
  // With `bound`, as Phy::FaintQuery allows: the signals that may have
  // overlapped, each at the most its power can be.
  void faint_signals(const Station& rx, Time from_t, Time to_t, std::span<const std::uint64_t> delivered, bool bound,
                     std::vector<FaintSignal>& out) const;
  void forget_old_transmissions();
  // The spatial index: square cells half as wide as reach_m(), so a 1 Mbps
  // frame's listeners are within two cells of the sender's.
  using CellKey = std::uint64_t;
  CellKey cell_of(Position p) const;
  void rebuild_cells();
  // The radios within `radius` of p (and some farther), in no order.
  void candidates(Position p, double radius, std::vector<std::uint32_t>& out) const;
  void channel_use(std::uint8_t channel, bool start);

  Engine& engine_;
  AirConfig config_;
  Random random_;
  double ignore_below_mw_;
  HugePageArena station_memory_;  // before stations_: it outlives them
  std::vector<StationPtr> stations_;
  std::vector<Spot> spots_;  // by station index
  HugePageBlocks list_memory_;  // the Listeners'; before flights_ and reaches_, which hold them
  std::array<ChannelUse, 15> channels_{};
  std::uint64_t next_tx_id_ = 1;
  double max_tx_dbm_ = -1e9;
  double reach_m_ = 0;
  double cell_m_ = 0;  // 0: no index (every radio a candidate)
  Time faint_delay_ = milliseconds(10);  // the longest propagation delay of a signal that is not ignored
  std::vector<std::unique_ptr<Flight>> flights_;  // stable addresses: the engine holds their Edges
  std::vector<std::uint32_t> free_flights_;
  std::deque<const Flight*> recent_;  // in order of start
  std::size_t recent_count_ = 0;      // recent_.size(), which a deque works out from its blocks at every frame's end
  Time longest_ = 0;                  // the longest frame sent so far
  std::unordered_map<CellKey, std::vector<std::uint32_t>> cells_;
  std::vector<std::uint32_t> scratch_;  // candidates of the frame being sent
  std::vector<Listener> scratch_listeners_;  // a Reach's, being worked out
  std::vector<std::array<Reach, 3>> reaches_;  // by sender: for the 802.11 rates, LR 250K, LR 500K
  std::uint64_t generation_ = 1;              // of the radios' positions, channels, powers, LR modes
  OnTransmit on_transmit_;
};

}  // namespace espnow::sim
