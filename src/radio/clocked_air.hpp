// SimAir's timed mode: the discrete-event air (sim::Air: the DCF MAC, the
// PHY's SINR, collisions, hidden stations) kept in step with the air's Clock.
//
// Engine time t is the clock's start + t. A driver thread runs each event
// when the clock reaches its time (at once on a clock that owns time, such as
// VirtualClock); a thread that transmits first brings the engine up to the
// clock's now, so its frame enters the MAC at the instant it was sent.
// Listeners are called from the driver thread alone, in event order, with the
// air's radio table held shared (as the instant air does) and the engine
// unlocked, so a listener may transmit.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <span>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <vector>

#include "espnow/radio/radio.hpp"
#include "espnow/sim/air.hpp"
#include "espnow/sim/engine.hpp"

namespace espnow {

class SimAir;
struct AiredFrame;
class SimRadio;

class ClockedAir {
 public:
  struct Counts {
    std::uint64_t transmissions = 0, deliveries = 0, lost = 0, too_weak = 0, acks = 0;
  };

  explicit ClockedAir(SimAir& air);
  ~ClockedAir() { stop(); }
  ClockedAir(const ClockedAir&) = delete;
  ClockedAir& operator=(const ClockedAir&) = delete;

  // Stops the driver: no listener is called after it returns.
  void stop();

  // The caller holds the air's radio table exclusively.
  std::uint32_t add_station(SimRadio& radio);
  void remove_station(std::uint32_t station);
  // Retunes: nothing received on the old channel is delivered after it.
  void retune(std::uint32_t station, std::uint8_t channel);

  // Queues a frame at the station's MAC: errc::no_mem when its queue is full.
  std::error_code transmit(std::uint32_t station, std::span<const std::uint8_t> frame, PhyRate rate);
  // Nothing queued at the station (so the instant air may take its next frame).
  bool idle(std::uint32_t station);
  Counts counts();
  void set_sniffer(std::function<void(const AiredFrame&)> sniffer);

  // Driven from outside (AirOptions::external_drive): the events due by the
  // clock's now, their deliveries made on this thread; the next one's time.
  void run_due();
  bool next_event_time(std::chrono::nanoseconds& when);

 private:
  // What the driver hands to a listener.
  struct Delivery {
    std::uint32_t station = 0;
    bool report = false;  // on_tx_done(dst, acked), else on_frame(frame, rx)
    MacAddress dst{};
    bool acked = false;
    std::vector<std::uint8_t> frame;
    RxControl rx{};
  };
  // A frame some MAC holds, by its tag.
  struct InFlight {
    std::vector<std::uint8_t> bytes;
    MacAddress dst;
  };

  void hook_station(std::uint32_t i);
  void on_air(const sim::Transmission& t);
  bool owns(std::uint32_t i, const MacAddress& mac);
  bool admit(std::uint32_t i, const sim::AirFrame& f, std::uint32_t from, double rx_dbm);
  void received(std::uint32_t i, const sim::AirFrame& f, double rx_dbm);
  void overheard(std::uint32_t i, const sim::AirFrame& f, std::uint32_t from, double rx_dbm);
  void reported(std::uint32_t i, const sim::TxReport& report);
  // The frame's bytes as sent in this attempt (the retry bit set on retries).
  const std::vector<std::uint8_t>* bytes_of(const sim::AirFrame& f);
  MacAddress sta_mac(std::uint32_t station, const MacAddress& fallback) const;

  sim::Time clock_now() const;
  void catch_up_locked();  // radio settings in, then the events due by the clock's now
  void sync_radios_locked();
  void forget_retired_locked();
  void drive();
  // Runs the events due and delivers what they produced (the caller holds
  // the radio table shared, so set_channel and set_listener wait for it).
  void step(std::vector<Delivery>& batch);
  void deliver(Delivery& d);

  SimAir& air_;
  std::mutex mutex_;  // the engine, the MACs, and everything below
  std::condition_variable cv_;
  sim::Engine engine_;
  sim::Air des_;
  std::vector<SimRadio*> radios_;  // by station; null once removed
  std::unordered_map<std::uint64_t, InFlight> in_flight_;
  std::deque<std::pair<sim::Time, std::uint64_t>> retired_;  // reported tags, kept while receptions may end
  std::uint64_t next_tag_ = 1;
  std::vector<std::uint8_t> scratch_;
  std::vector<Delivery> outbox_;
  std::function<void(const AiredFrame&)> sniffer_;
  Counts counts_;
  bool stopped_ = false;
  std::thread driver_;
};

}  // namespace espnow
