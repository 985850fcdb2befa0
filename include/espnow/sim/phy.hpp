// One radio's receiver and transmitter on the discrete-event air
// (docs/simulation.md, "The discrete-event air"): it sums the power of every
// signal it feels, locks on the first frame it detects (everything else
// overlapping that frame is interference), decides the frame's fate from its
// SINR over the whole frame, and tells its MAC when the medium turns busy or
// idle (carrier sense: transmitting, locked on a frame, or energy above the
// energy-detect threshold).
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "espnow/sim/air_frame.hpp"
#include "espnow/sim/engine.hpp"
#include "espnow/sim/inline_vector.hpp"
#include "espnow/sim/random.hpp"

namespace espnow::sim {

struct PhyConfig {
  double noise_figure_db = 7.0;
  double energy_detect_dbm = -62.0;
  std::uint8_t channel = 1;
  bool long_range = false;  // decodes Espressif's LR rates
  bool exact_reception = false;  // AirConfig::exact_reception
};

enum class RxOutcome : std::uint8_t { ok, error };

// Why a detectable data frame was not received.
enum class RxLoss : std::uint8_t { collision, weak };

// A signal felt too weakly to be an event (below every detection threshold):
// it cannot be locked on nor turn the medium busy, so the air delivers no
// event for it and reports it only when a locked frame ends, for its SINR.
struct FaintSignal {
  std::uint64_t id;  // the transmission's
  Time start;        // when it reached this radio
  Time end;
  double mw;         // after the adjacent-channel factor
};

// A clean frame's chance of surviving at one radio, remembered by the air
// for one sender and listener: a frame alone on the air there (one stretch, no
// interference, no faint signal) survives with a probability that depends on
// its power, length and rate only, and a sender's frames reach the same
// listener with the same power frame after frame. The same computation on
// the same inputs gives the same number, so remembering it changes nothing.
// The power is the listener's own (one CleanSuccess per sender and listener,
// forgotten when either moves, retunes or changes power); a sender's frames
// differ in length and rate, so those say whether the number still applies.
// 16 bytes: at 10,000 devices there are 3.8 million of them.
struct CleanSuccess {
  double p = 0.0;              // the probability
  std::uint32_t duration = 0;  // for frames this long here (ns; 0: not worked out yet)
  PhyRate rate{};              // at this rate
};

// What the PHY tells the MAC above it.
class PhyEvents {
 public:
  virtual void phy_busy(bool busy) = 0;
  virtual void phy_tx_end() = 0;
  // A locked frame ended: received intact or not.
  // `from` is the transmitting station's index.
  virtual void phy_rx_end(const AirFrame& frame, std::uint32_t from, RxOutcome outcome, double rx_dbm) = 0;
  // A data frame this radio could have decoded was lost (counters only).
  virtual void phy_lost(const AirFrame& frame, RxLoss why) = 0;

 protected:
  ~PhyEvents() = default;
};

class Phy {
 public:
  Phy(Engine& engine, Random& random, const PhyConfig& config);
  // The MAC above, told of every change; set before the first signal.
  void attach(PhyEvents& events) noexcept { events_ = &events; }
  // Appends the faint signals (not delivered as events) that overlapped
  // [from, to) here, skipping the transmissions in `delivered`. With
  // `bound` the answer may be coarse and cheap: every signal that may have
  // overlapped, each with at least its power (an upper bound on it), its
  // times unknown (used only as a bound, Phy::survives).
  using FaintQuery = std::function<void(Time from, Time to, std::span<const std::uint64_t> delivered, bool bound,
                                        std::vector<FaintSignal>& out)>;
  void on_faint(FaintQuery query) { faint_query_ = std::move(query); }

  // A signal reaches this radio: `mw` is its received power after the
  // adjacent-channel factor, `dbm` mw_to_dbm(mw) (the caller's, who works it
  // out once per sender and listener); `decodable` says it is on this radio's
  // channel at a rate it can decode. `tx` lives until its signal_end here
  // (the air keeps it).
  void signal_start(const Transmission& tx, double mw, double dbm, bool decodable);
  // `clean`, if any, is where this sender's clean frames' success here is
  // remembered (read and written during the call only).
  // `faint_possible` false says no other transmission can have been felt
  // faintly over a frame locked on here (the air has none recent): the
  // faint signals are not asked for.
  void signal_end(const Transmission& tx, CleanSuccess* clean = nullptr, bool faint_possible = true);

  // Starts sending (the caller schedules tx_end() after the frame's
  // duration). A reception in progress is abandoned.
  void tx_start();
  void tx_end();

  bool busy() const noexcept { return busy_; }
  bool transmitting() const noexcept { return transmitting_; }
  bool locked() const noexcept { return lock_.tx != nullptr; }
  std::uint8_t channel() const noexcept { return channel_; }
  // Retunes: the frame being received and the signals felt on the old
  // channel are forgotten (a radio that retunes hears nothing of them).
  void set_channel(std::uint8_t ch);
  bool long_range() const noexcept { return long_range_; }
  void set_long_range(bool on) noexcept { long_range_ = on; }
  double noise_mw() const noexcept { return noise_mw_; }

 private:
  struct Arrival {
    std::uint64_t id;
    double mw;
  };
  struct Lock {
    const Transmission* tx = nullptr;
    double mw = 0.0;
    double dbm = 0.0;        // mw_to_dbm(mw), worked out once when it was detected
    Time start = 0;          // when the frame reached this radio
    Time last = 0;           // end of the stretch already accounted for
    bool interfered = false;
  };
  // A stretch of the locked frame with constant interference from delivered
  // signals. It begins where the one before it ended, the first at the lock's
  // start (account() records them end to end), so only its end is kept: 16
  // bytes, not 24, in the lines a reception reads.
  struct Stretch {
    Time end;
    double interference_mw;
  };

  void start_lock(const Transmission& tx, double mw, double dbm, bool others);
  void account(Time until);  // records [lock_.last, until) as a stretch
  // Whether the locked frame survives: one uniform draw against P.
  bool survives(CleanSuccess* clean, bool faint_possible);
  // P(the locked frame survives) if no faint signal counted: from `clean`
  // when the frame was alone.
  double success_without_faint(CleanSuccess* clean);
  // ln P with `extra_mw` added to every stretch's interference: a lower
  // bound on ln P when `extra_mw` is at least the faint signals' sum.
  double log_success_with_extra(double extra_mw) const;
  // Whether u < e^(ln P with `extra_mw`) · (1 - slack) holds, from a floor
  // under ln P that needs no exp or log (1 Mbps frames only; false when it
  // cannot tell): a cheap first look for survives.
  bool below_floor(double u, double extra_mw, double slack) const;
  // ln P(the locked frame survives): its stretches with the faint signals added.
  double log_success(const std::vector<FaintSignal>& faint);
  // What every piece of the locked frame shares, worked out once per frame.
  struct FrameModel {
    Modulation modulation;
    bool ofdm;
    bool dsss_one_rate;  // DSSS, header and payload at one rate
    std::uint32_t header_kbps;
    std::uint32_t kbps;
    double noise_mw;
    double lr_needed;  // the SINR an LR rate needs
    Time header_end;   // of the PLCP preamble and header
    Time data_end;     // of the last symbol: an OFDM frame's signal extension carries no bits
  };
  FrameModel frame_model() const;
  double log_piece_success(const FrameModel& m, Time begin, Time end, double interference_mw) const;
  double interference_mw() const;
  double total_mw() const;
  void update_busy();
  void drop_lock_as_lost(RxLoss why);

  // All of it is what a reception reads (a radio's state is cold when a
  // frame reaches it on a field of 10,000, and the air fetches these lines
  // ahead: Air::prefetch), so nothing else lives here: the PhyConfig's
  // levels are kept only as the powers worked out from them.
  PhyEvents* events_ = nullptr;
  Engine& engine_;
  Lock lock_;
  bool transmitting_ = false;
  bool busy_ = false;
  bool exact_reception_;
  std::uint8_t channel_;
  bool long_range_;
  double energy_detect_mw_;
  InlineVector<Arrival, 4> arrivals_;  // every signal felt now, in arrival order
  // The locked frame's stretches and the delivered signals that overlapped it
  // (kept here, not in Lock, so their storage is reused from frame to frame).
  InlineVector<Stretch, 4> stretches_;
  InlineVector<std::uint64_t, 4> delivered_;
  Random& random_;
  FaintQuery faint_query_;
  double noise_mw_;       // over 22 MHz (DSSS/CCK)
  double ofdm_noise_mw_;  // over 20 MHz
};

// dBm <-> mW.
double dbm_to_mw(double dbm) noexcept;
double mw_to_dbm(double mw) noexcept;
// The weakest frame a radio detects (locks on) at this rate: the
// sensitivity of the rate its preamble is sent at (-97 dBm for DSSS/CCK).
double detect_threshold_dbm(PhyRate rate) noexcept;

}  // namespace espnow::sim
