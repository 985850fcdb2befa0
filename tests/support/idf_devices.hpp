// Devices whose ESPNow runs on IdfLink -> the emulated esp_now_* -> SoftLink
// -> the in-process air: the behaviour table's second run. They offer what
// SimDevices's devices offer, so the same test source builds against both.
#pragma once

#include <deque>
#include <functional>
#include <memory>

#include "esp_wifi.h"
#include "espnow/api/espnow.hpp"
#include "espnow/common/clock.hpp"
#include "espnow/link/idf_link.hpp"
#include "espnow_emul.hpp"

namespace espnow::test {

class IdfDevice {
 public:
  // `settle` waits until every chip's Wi-Fi task is quiet; `clock` times
  // ESPNow's waits (the 100 ms and 2 s rules, receive timeouts), as SimDevice's does.
  IdfDevice(std::unique_ptr<emul::EmulatedChip> chip, const RadioOptions& radio, std::function<void()> settle,
            Clock& clock = steady_clock())
      : chip_(std::move(chip)), options_(radio), settle_(std::move(settle)), clock_(clock) {}

  AirRadio& radio() const { return chip_->radio(); }
  // The emulated chip's own stack (what Espressif's firmware is on a chip).
  SoftLink& link() { return chip_->link(); }
  // On the in-process air a sync send returns after the receiver's ESPNow
  // has the frame; with Wi-Fi tasks in between it may still be on its way.
  // The table looks at devices after the air has settled, so both runs
  // observe the same state.
  ESPNow& espnow() {
    settle_();
    return espnow_;
  }
  MacAddress mac(Interface i = Interface::sta) const { return radio().mac(i); }
  emul::EmulatedChip& chip() const { return *chip_; }

 private:
  // What firmware does before ESP-NOW: Wi-Fi initialised and started in the
  // mode the radio options ask for. IdfLink binds to the chip selected while
  // it is constructed.
  IdfLink boot() {
    emul::ScopedChip use(chip_.get());
    const RadioOptions& r = options_;
    const wifi_init_config_t config = WIFI_INIT_CONFIG_DEFAULT();
    (void)esp_wifi_init(&config);
    (void)esp_wifi_set_mode(r.sta_active && r.ap_active ? WIFI_MODE_APSTA
                            : r.ap_active               ? WIFI_MODE_AP
                                                        : WIFI_MODE_STA);
    (void)esp_wifi_start();
    return IdfLink();
  }

  std::unique_ptr<emul::EmulatedChip> chip_;
  RadioOptions options_{};
  std::function<void()> settle_;
  Clock& clock_;
  IdfLink link_ = boot();
  ESPNow espnow_{link_, clock_};
};

class IdfAir {
 public:
  // `espnow_clock` times every device's ESPNow waits (AirOptions::clock
  // times the air), as SimDevices's does; a test may give a manual one.
  explicit IdfAir(AirOptions options = {}, Clock& espnow_clock = steady_clock())
      : air_(options), espnow_clock_(espnow_clock) {}
  ~IdfAir() { devices_.clear(); }  // before the air removes the radios
  IdfAir(const IdfAir&) = delete;
  IdfAir& operator=(const IdfAir&) = delete;

  // errc::arg for a group MAC or a bad channel.
  Result<IdfDevice*> add_device(const RadioOptions& radio, SoftLinkOptions link = {}) {
    auto chip = emul::EmulatedChip::create(air_, {.radio = radio, .link = link});
    if (!chip.ok()) return chip.failure();
    devices_.push_back(
        std::make_unique<IdfDevice>(std::move(chip.value()), radio, [this] { settle(); }, espnow_clock_));
    return devices_.back().get();
  }
  SimAir& air() { return air_; }
  std::size_t size() const { return devices_.size(); }
  // Until a pass over every chip finds all of them quiet (a callback on one
  // chip may send to another).
  void settle() {
    for (bool waited = true; waited;) {
      waited = false;
      for (const auto& d : devices_) waited = d->chip().wait_quiet() || waited;
    }
  }

 private:
  SimAir air_;
  Clock& espnow_clock_;
  std::deque<std::unique_ptr<IdfDevice>> devices_;
};

}  // namespace espnow::test
