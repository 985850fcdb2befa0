// `espnow sim`'s radios: one station of the discrete-event air (sim::Air) as a
// Radio, so that a node's SoftLink builds and parses the real ESP-NOW frames
// of its flows (docs/simulation.md, "espnow sim"). The air carries a frame's
// length and a tag; the bytes wait in a FrameStore, shared by the stations of
// one air, until no reception of them can still end. Everything runs on the
// engine's thread: the SoftLink's frames go straight into the station's MAC,
// and what the MAC receives and reports goes straight up to it.
#pragma once

#include <cstdint>
#include <span>
#include <system_error>
#include <utility>
#include <vector>

#include "espnow/radio/radio.hpp"
#include "espnow/sim/air.hpp"

namespace espnow::cli {

// The bytes of the frames a sim::Air carries, by their tag. A frame's slot is
// reused once its sender has reported it and its receptions have all ended,
// so a run in steady state allocates nothing here.
class FrameStore {
 public:
  explicit FrameStore(const sim::Engine& engine) : engine_(engine) {}

  // Keeps a copy of `frame` (to `dst`); its tag.
  std::uint64_t keep(std::span<const std::uint8_t> frame, const MacAddress& dst);
  // The frame as sent in the attempt `f` of it: the retry bit (and the FCS) as
  // `f` says. Valid until the next call.
  std::span<const std::uint8_t> attempt(const sim::AirFrame& f);
  // wire::decode's result for the frame as kept (the first attempt's bytes;
  // a retry's differ in its retry bit): decoded once, when it was kept, for
  // every radio that receives it.
  const wire::DecodeResult& decoded(const sim::AirFrame& f) const { return slots_[f.tag - 1].decoded; }
  const MacAddress& dst(std::uint64_t tag) const { return slots_[tag - 1].dst; }
  // After its sender's report: the slot is free once every reception of the
  // frame has ended (at most the propagation delay across the field later).
  void retire(std::uint64_t tag);
  // A frame the MAC refused (never on the air): free at once.
  void forget(std::uint64_t tag) { free_.push_back(static_cast<std::uint32_t>(tag - 1)); }

 private:
  // `decoded` views `bytes` and `storage` (a message in several elements),
  // whose buffers stay where they are when the slot moves.
  struct Slot {
    std::vector<std::uint8_t> bytes;
    MacAddress dst;
    wire::DecodeResult decoded;
    std::vector<std::uint8_t> storage;
  };
  void reclaim();

  const sim::Engine& engine_;
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_;
  std::vector<std::pair<sim::Time, std::uint32_t>> retired_;  // (when, slot), in time order from retired_head_
  std::size_t retired_head_ = 0;
  std::vector<std::uint8_t> retry_;  // a retried attempt's copy, its retry bit set
};

// Station `index` of `air` as a Radio: its STA interface (no AP), its channel
// and long-range mode; transmit() queues at its MAC (errc::no_mem when the
// 16-frame queue is full). Frames reach the listener only when addressed to
// it or to broadcast (Radio::accepts, as on every air).
class StationRadio final : public Radio {
 public:
  StationRadio(FrameStore& frames, sim::Air& air, std::uint32_t index);
  StationRadio(const StationRadio&) = delete;
  StationRadio& operator=(const StationRadio&) = delete;

  MacAddress mac(Interface i) const override;
  bool interface_active(Interface i) const override { return i == Interface::sta; }
  std::uint8_t channel() const override { return channel_; }
  std::error_code set_channel(std::uint8_t ch) override;
  bool long_range() const override { return air_.radio(index_).long_range; }
  bool owns(const MacAddress& dst) const override;
  std::uint64_t now_us() const override { return static_cast<std::uint64_t>(air_.engine().now() / 1000); }
  void set_listener(RadioListener* listener) override { listener_ = listener; }
  std::error_code transmit(std::span<const std::uint8_t> frame, PhyRate rate) override;

 private:
  void received(const sim::AirFrame& f, double rx_dbm);
  void reported(const sim::TxReport& r);

  FrameStore& frames_;
  sim::Air& air_;
  std::uint32_t index_;
  MacAddress mac_;
  std::uint8_t channel_;  // the station's, kept here: every reception stamps it
  RadioListener* listener_ = nullptr;
};

}  // namespace espnow::cli
