// The chip's radio as its ESP-NOW stack sees it, with the tap of Wi-Fi's
// promiscuous mode (esp_wifi_set_promiscuous). On a chip the sniffer sees
// what the radio hears before the stack does; here the chip stands between
// the air and its SoftLink: every frame goes to the sniffer (when set) and
// then, if the frame is for one of the chip's interfaces, to the link. The
// air itself delivers every frame to a promiscuous radio (AirRadio::hears).
#pragma once

#include <functional>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <vector>

#include "espnow/radio/air_radio.hpp"

namespace espnow::emul::detail {

class ChipRadio final : public Radio, private RadioListener {
 public:
  // Called on the air's delivery thread for every frame the radio hears
  // (FCS included); it hands over and returns, as a RadioListener does.
  using Sniffer = std::function<void(std::span<const std::uint8_t> frame, const RxControl& rx)>;

  explicit ChipRadio(AirRadio& radio);
  ~ChipRadio() override;
  ChipRadio(const ChipRadio&) = delete;
  ChipRadio& operator=(const ChipRadio&) = delete;

  MacAddress mac(Interface i) const override { return radio_.mac(i); }
  bool interface_active(Interface i) const override { return radio_.interface_active(i); }
  std::uint8_t channel() const override { return radio_.channel(); }
  std::error_code set_channel(std::uint8_t ch) override { return radio_.set_channel(ch); }
  bool long_range() const override { return radio_.long_range(); }
  bool owns(const MacAddress& dst) const override { return radio_.owns(dst); }
  std::uint64_t now_us() const override { return radio_.now_us(); }
  // The link's frames.
  std::error_code transmit(std::span<const std::uint8_t> frame, PhyRate rate) override {
    return send(frame, rate, false);
  }
  // A frame of the firmware's own (esp_wifi_80211_tx): its report goes to nobody.
  std::error_code transmit_raw(std::span<const std::uint8_t> frame, PhyRate rate) { return send(frame, rate, true); }
  // The link's listener. Like the sniffer's change, it waits for a delivery in progress.
  void set_listener(RadioListener* listener) override;
  // An empty one stops the tap; the radio's promiscuous flag is the caller's.
  void set_sniffer(Sniffer sniffer);

 private:
  void on_frame(std::span<const std::uint8_t> frame, const RxControl& rx) override;
  void on_tx_done(const MacAddress& dst, bool acked) override;
  std::error_code send(std::span<const std::uint8_t> frame, PhyRate rate, bool raw);

  AirRadio& radio_;
  // Whose each report is, in transmit order (the radio reports in that
  // order): true for a raw frame, in a ring that grows only when full, so
  // that sending allocates nothing once warm (the hot path's rule).
  // send_mutex_ keeps the order of the entries that of the transmit()
  // calls; a report may come within one.
  std::mutex send_mutex_;
  std::mutex owners_mutex_;
  std::vector<bool> raw_reports_ = std::vector<bool>(64);
  std::size_t reports_head_ = 0, reports_count_ = 0;
  std::shared_mutex mutex_;  // deliveries share it; changes of the two below take it whole
  RadioListener* link_ = nullptr;
  Sniffer sniffer_;
};

}  // namespace espnow::emul::detail
