#include "espnow/sim/phy.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "espnow/sim/phy_timing.hpp"
#include "espnow/wire/error_rate.hpp"

namespace espnow::sim {
namespace {

constexpr double kDsssBandwidthHz = 22e6;
constexpr double kOfdmBandwidthHz = 20e6;

// ln P(bits at `kbps` survive `sinr`): the DSSS/CCK and OFDM formulas of
// wire/error_rate.hpp. The LR rates (Espressif publishes no model) succeed
// when the SINR reaches `lr_needed`, what the rate's sensitivity implies over
// the noise floor.
double log_chunk_success(Modulation m, std::uint32_t kbps, double sinr, double bits, double lr_needed) {
  if (m == Modulation::dsss_long || m == Modulation::dsss_short) return dsss_log_success_rate(kbps, sinr, bits);
  if (m == Modulation::ofdm) return ofdm_log_success_rate(kbps, sinr, bits);
  return sinr >= lr_needed ? 0.0 : -INFINITY;
}

// OFDM's preamble carries no bits; its SIGNAL field (the last 4 us of the
// 20) carries 24 at 6 Mbps: bits per microsecond of the preamble and header.
constexpr double kOfdmHeaderBitsPerUs = 24.0 / 20.0;

// dsss_log_success_rate is bits times its value for one bit up to this many
// bits (beyond, its shortcut for a certain 1 Mbps frame no longer applies).
constexpr double kOneRateMaxBits = 0x1p24;

// What the receiver needs of a rate, in a table by rate value: rate_info
// searches a list, and every reception would search it several times.
struct RateFigures {
  Modulation modulation;
  std::uint32_t kbps;
  std::uint32_t header_kbps;
  double sensitivity_dbm;
  double detect_dbm;
  Time preamble_header;
};

std::array<RateFigures, 256> make_figures() {
  std::array<RateFigures, 256> t{};
  for (unsigned v = 0; v < t.size(); ++v) {
    const RateInfo* info = rate_info(static_cast<std::uint8_t>(v));
    if (!info) continue;
    const auto r = static_cast<PhyRate>(v);
    t[v] = RateFigures{info->modulation,         info->kbps,         header_kbps(r), double(info->sensitivity_dbm),
                       detect_threshold_dbm(r), timing_for(r).preamble_header};
  }
  return t;
}

// Built before main from constant tables (wire/phy.cpp's rates), so that a
// lookup is an index: as a function's static, every call tested its guard,
// and the builder's registers made the lookup itself 30 instructions.
const std::array<RateFigures, 256> kFigures = make_figures();

const RateFigures& figures(PhyRate rate) { return kFigures[static_cast<std::uint8_t>(rate)]; }

// log_success's scratch, shared by every radio of the thread (it is used
// within one call): one warm buffer instead of one cold one per radio.
thread_local std::vector<FaintSignal> t_faint;
thread_local std::vector<Time> t_cuts;

}  // namespace

double dbm_to_mw(double dbm) noexcept { return std::pow(10.0, dbm / 10.0); }
double mw_to_dbm(double mw) noexcept { return 10.0 * std::log10(mw); }

double detect_threshold_dbm(PhyRate rate) noexcept {
  switch (rate_info(rate).modulation) {
    case Modulation::dsss_long:
    case Modulation::dsss_short:
      return rate_info(PhyRate::r1m).sensitivity_dbm;
    case Modulation::ofdm:
      return rate_info(PhyRate::r6m).sensitivity_dbm;
    case Modulation::long_range:
      return rate_info(rate).sensitivity_dbm;
  }
  return rate_info(rate).sensitivity_dbm;
}

Phy::Phy(Engine& engine, Random& random, const PhyConfig& config)
    : engine_(engine),
      exact_reception_(config.exact_reception),
      channel_(config.channel),
      long_range_(config.long_range),
      energy_detect_mw_(dbm_to_mw(config.energy_detect_dbm)),
      random_(random),
      noise_mw_(dbm_to_mw(thermal_noise_dbm(kDsssBandwidthHz, config.noise_figure_db))),
      ofdm_noise_mw_(dbm_to_mw(thermal_noise_dbm(kOfdmBandwidthHz, config.noise_figure_db))) {}

double Phy::total_mw() const {
  double sum = 0.0;
  for (const auto& a : arrivals_) sum += a.mw;
  return sum;
}

double Phy::interference_mw() const {
  double sum = 0.0;
  for (const auto& a : arrivals_)
    if (!lock_.tx || a.id != lock_.tx->id) sum += a.mw;
  return sum;
}

void Phy::account(Time until) {
  if (!lock_.tx || until <= lock_.last) return;
  const double interference = interference_mw();
  if (interference > 0.0) lock_.interfered = true;
  stretches_.push_back({until, interference});
  lock_.last = until;
}

Phy::FrameModel Phy::frame_model() const {
  const RateFigures& r = figures(lock_.tx->frame.rate);
  FrameModel m;
  m.modulation = r.modulation;
  m.ofdm = r.modulation == Modulation::ofdm;
  m.noise_mw = m.ofdm ? ofdm_noise_mw_ : noise_mw_;  // 20 MHz wide, not 22
  m.header_kbps = r.header_kbps;
  m.kbps = r.kbps;
  m.dsss_one_rate = (r.modulation == Modulation::dsss_long || r.modulation == Modulation::dsss_short) &&
                    r.header_kbps == r.kbps;
  m.lr_needed = r.modulation == Modulation::long_range ? dbm_to_mw(r.sensitivity_dbm) / m.noise_mw : 0.0;
  m.header_end = lock_.start + r.preamble_header;
  m.data_end = lock_.start + lock_.tx->duration - (m.ofdm ? microseconds(kSignalExtensionUs) : 0);
  return m;
}

double Phy::log_piece_success(const FrameModel& m, Time begin, Time end, double interference_mw) const {
  const double sinr = lock_.mw / (m.noise_mw + interference_mw);
  // The part of [begin, end) in the PLCP preamble and header, and the part in
  // the payload (none in a signal extension: interference there costs nothing).
  const Time in_header = std::max<Time>(0, std::min(end, m.header_end) - begin);
  const Time in_payload = std::max<Time>(0, std::min(end, m.data_end) - std::max(begin, m.header_end));
  const double header_bits = m.ofdm ? static_cast<double>(in_header) * 1e-3 * kOfdmHeaderBitsPerUs
                                    : static_cast<double>(in_header) * 1e-3 * m.header_kbps * 1e-3;
  const double payload_bits = static_cast<double>(in_payload) * m.kbps * 1e-6;
  double log_p = 0.0;
  if (in_header > 0 && in_payload > 0 && m.dsss_one_rate && header_bits <= kOneRateMaxBits &&
      payload_bits <= kOneRateMaxBits) {
    // The header and the payload at one DSSS rate (1 Mbps with the long
    // preamble, 2 Mbps with the short): ln P is bits times a per-bit log
    // rate that depends on the rate and the SINR only, so it is worked out
    // once (an exp and a log1p fewer), and each chunk's term is the very
    // number dsss_log_success_rate would have returned for it.
    const double per_bit = dsss_log_success_rate(m.kbps, sinr, 1.0);
    log_p += header_bits * per_bit;
    log_p += payload_bits * per_bit;
    return log_p;
  }
  if (in_header > 0) log_p += log_chunk_success(m.modulation, m.header_kbps, sinr, header_bits, m.lr_needed);
  if (in_payload > 0) log_p += log_chunk_success(m.modulation, m.kbps, sinr, payload_bits, m.lr_needed);
  return log_p;
}

bool Phy::survives(CleanSuccess* clean, bool faint_possible) {
  // Faint signals only lower P (every error-rate formula falls as the SINR
  // rises), so P lies between `alone` (none of them) and P with all of them
  // over the whole frame at their most; a draw outside those bounds is
  // decided without working out each faint signal's power and the pieces it
  // cuts the frame into. The same draw decides as the exact P would: the
  // bounds leave a margin (kSlack) far beyond the rounding of either side
  // (P's relative error is below 1e-12 for any P a double can hold).
  constexpr double kSlack = 1e-9;
  std::vector<FaintSignal>& faint = t_faint;
  faint.clear();
  if (faint_query_ && faint_possible) faint_query_(lock_.start, lock_.last, delivered_.span(), !exact_reception_, faint);
  const double alone = success_without_faint(clean);
  const double u = random_.uniform();
  if (faint.empty()) return u < alone;
  if (exact_reception_) return u < std::exp(log_success(faint));
  const auto exact = [&] {
    faint.clear();
    faint_query_(lock_.start, lock_.last, delivered_.span(), false, faint);
    if (!faint.empty()) lock_.interfered = true;  // a loss is a collision, not weakness
  };
  // Below P with every faint signal in `faint` over the whole frame.
  const auto below_lower_bound = [&] {
    double sum_mw = 0.0;
    for (const FaintSignal& f : faint) sum_mw += f.mw;
    if (below_floor(u, sum_mw, kSlack)) return true;  // the same answer, most often without exp and log1p
    return u < std::exp(log_success_with_extra(sum_mw)) * (1.0 - kSlack);
  };
  if (u >= alone * (1.0 + kSlack)) {
    if (!lock_.interfered) exact();
    return false;
  }
  if (below_lower_bound()) return true;
  exact();
  if (faint.empty()) return u < alone;
  if (below_lower_bound()) return true;  // the exact powers, still one bound
  return u < std::exp(log_success(faint));
}

double Phy::success_without_faint(CleanSuccess* clean) {
  if (!clean || stretches_.size() != 1 || stretches_[0].interference_mw != 0.0 ||
      stretches_[0].end - lock_.start > Time{UINT32_MAX})
    return std::exp(log_success({}));
  // Alone on the air: what log_success would work out, from its one piece.
  const Stretch& s = stretches_[0];
  const auto duration = static_cast<std::uint32_t>(s.end - lock_.start);
  const PhyRate rate = lock_.tx->frame.rate;
  if (clean->duration != duration || clean->rate != rate)
    *clean = CleanSuccess{std::exp(0.0 + log_piece_success(frame_model(), lock_.start, s.end, s.interference_mw)),
                          duration, rate};
  return clean->p;
}

bool Phy::below_floor(double u, double extra_mw, double slack) const {
  // For a 1 Mbps frame (its header at that rate too): every piece's SINR is
  // at least the one with the strongest stretch's interference, so ln P
  // with `extra_mw` is at least L, the frame's bits times
  // dbpsk_log_success_floor there; and e^L >= 1 + L. The factor (1 - 1e-12)
  // covers the rounding of the sums.
  if (lock_.tx->frame.rate != PhyRate::r1m) return false;
  double strongest = 0.0;
  for (const Stretch& s : stretches_) strongest = std::max(strongest, s.interference_mw);
  const double per_bit = dbpsk_log_success_floor(lock_.mw / (noise_mw_ + strongest + extra_mw));
  const double bits = static_cast<double>(lock_.tx->duration) * 1e-3;  // 1 bit per µs
  return u < (1.0 + bits * per_bit) * (1.0 - slack) * (1.0 - 1e-12);
}

double Phy::log_success_with_extra(double extra_mw) const {
  const FrameModel model = frame_model();
  double log_p = 0.0;
  Time begin = lock_.start;
  for (const Stretch& s : stretches_) {
    log_p += log_piece_success(model, begin, s.end, s.interference_mw + extra_mw);
    begin = s.end;
  }
  return log_p;
}

double Phy::log_success(const std::vector<FaintSignal>& faint) {
  if (faint.empty()) return log_success_with_extra(0.0);  // adding 0.0 changes no stretch's sum
  const FrameModel model = frame_model();
  double log_p = 0.0;
  lock_.interfered = true;
  // Cut each stretch where a faint signal starts or ends, and add the faint
  // signals present over each piece.
  std::vector<Time>& cuts = t_cuts;
  cuts.clear();
  for (const FaintSignal& f : faint) {
    cuts.push_back(f.start);
    cuts.push_back(f.end);
  }
  std::sort(cuts.begin(), cuts.end());
  Time stretch_begin = lock_.start;
  for (const Stretch& s : stretches_) {
    Time begin = stretch_begin;
    stretch_begin = s.end;
    auto cut = std::upper_bound(cuts.begin(), cuts.end(), begin);
    while (begin < s.end) {
      const Time end = (cut != cuts.end() && *cut < s.end) ? *cut++ : s.end;
      if (end <= begin) continue;
      double faint_mw = 0.0;
      for (const FaintSignal& f : faint)
        if (f.start <= begin && f.end >= end) faint_mw += f.mw;
      log_p += log_piece_success(model, begin, end, s.interference_mw + faint_mw);
      begin = end;
    }
  }
  return log_p;
}

void Phy::start_lock(const Transmission& tx, double mw, double dbm, bool others) {
  lock_ = Lock{&tx, mw, dbm, engine_.now(), engine_.now(), others};
  stretches_.clear();
  delivered_.clear();
  for (const Arrival& a : arrivals_) delivered_.push_back(a.id);
}

void Phy::signal_start(const Transmission& tx, double mw, double dbm_of_mw, bool decodable) {
  account(engine_.now());
  const bool others = !arrivals_.empty();
  arrivals_.push_back({tx.id, mw});
  if (lock_.tx) delivered_.push_back(tx.id);
  const double dbm = decodable ? dbm_of_mw : 0.0;
  const bool detectable = decodable && dbm >= figures(tx.frame.rate).detect_dbm;
  if (detectable) {
    if (!transmitting_ && !lock_.tx) {
      start_lock(tx, mw, dbm, others);
    } else if (tx.frame.kind == FrameKind::data) {
      // Busy sending or locked on another frame: this one is only interference.
      events_->phy_lost(tx.frame, RxLoss::collision);
    }
  }
  update_busy();
}

void Phy::signal_end(const Transmission& tx, CleanSuccess* clean, bool faint_possible) {
  const bool was_locked = lock_.tx && lock_.tx->id == tx.id;
  account(engine_.now());  // the stretch up to now, with this signal still in it
  for (auto it = arrivals_.begin(); it != arrivals_.end(); ++it)
    if (it->id == tx.id) {
      arrivals_.erase(it);
      break;
    }
  if (was_locked) {
    const bool ok = survives(clean, faint_possible);
    const Lock done = lock_;
    lock_ = Lock{};
    if (!ok && done.tx->frame.kind == FrameKind::data)
      events_->phy_lost(done.tx->frame, done.interfered ? RxLoss::collision : RxLoss::weak);
    update_busy();
    events_->phy_rx_end(done.tx->frame, done.tx->from, ok ? RxOutcome::ok : RxOutcome::error, done.dbm);
    return;
  }
  update_busy();
}

void Phy::drop_lock_as_lost(RxLoss why) {
  if (lock_.tx && lock_.tx->frame.kind == FrameKind::data) events_->phy_lost(lock_.tx->frame, why);
  lock_ = Lock{};
}

void Phy::set_channel(std::uint8_t ch) {
  if (ch == channel_) return;
  channel_ = ch;
  lock_ = Lock{};
  arrivals_.clear();  // their signal_end finds nothing to remove
  update_busy();
}

void Phy::tx_start() {
  if (lock_.tx) drop_lock_as_lost(RxLoss::collision);
  transmitting_ = true;
  update_busy();
}

void Phy::tx_end() {
  transmitting_ = false;
  events_->phy_tx_end();  // first, so the MAC knows whether it awaits an ACK when the medium turns idle
  update_busy();
}

void Phy::update_busy() {
  const bool now_busy = transmitting_ || lock_.tx || total_mw() > energy_detect_mw_;
  if (now_busy == busy_) return;
  busy_ = now_busy;
  events_->phy_busy(busy_);
}

}  // namespace espnow::sim
