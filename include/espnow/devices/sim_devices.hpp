// SimDevices: whole simulated devices (SimDevice: radio + SoftLink + ESPNow)
// on one in-process air (SimAir), the quickest way to run ESP-NOW code on a PC:
//
//   espnow::SimDevices air;
//   auto& a = *air.add_device({.mac = "aa:aa:aa:aa:aa:aa"_mac}).value();
//   auto& b = *air.add_device({.mac = "ba:bb:bb:bb:bb:bb"_mac}).value();
//   (void)a.espnow().active(true);  ...
#pragma once

#include <deque>
#include <memory>

#include "espnow/api/espnow.hpp"
#include "espnow/radio/sim_air.hpp"
#include "espnow/link/soft_link.hpp"

namespace espnow {

class SimDevice {
 public:
  AirRadio& radio() const { return radio_; }
  SoftLink& link() { return link_; }
  // The device's one ESPNow object (the seeds' singleton): always the same.
  ESPNow& espnow() { return espnow_; }
  MacAddress mac(Interface i = Interface::sta) const { return radio_.mac(i); }
  // The device's own clock, which its ESPNow waits on (in a Simulation: its
  // drifting clock, on virtual time).
  Clock& clock() { return espnow_.clock(); }

  // `clock` times ESPNow's waits (the 100 ms and 2 s rules, receive
  // timeouts); a test may give a manual one.
  SimDevice(AirRadio& radio, SoftLinkOptions options, Clock& clock = steady_clock())
      : radio_(radio), link_(radio, options), espnow_(link_, clock) {}

 private:
  AirRadio& radio_;
  SoftLink link_;
  ESPNow espnow_;
};

class SimDevices {
 public:
  // `espnow_clock` times every device's ESPNow waits (AirOptions::clock
  // times the air); a test may give a manual one.
  explicit SimDevices(AirOptions options = {}, Clock& espnow_clock = steady_clock())
      : air_(options), espnow_clock_(espnow_clock) {}
  ~SimDevices() { devices_.clear(); }  // before the air removes the radios
  SimDevices(const SimDevices&) = delete;
  SimDevices& operator=(const SimDevices&) = delete;

  // errc::arg for a group MAC or a bad channel.
  Result<SimDevice*> add_device(const RadioOptions& radio, SoftLinkOptions link = {}) {
    return add_device(radio, link, espnow_clock_);
  }
  // A device whose ESPNow waits on a clock of its own (`clock` must outlive it).
  Result<SimDevice*> add_device(const RadioOptions& radio, SoftLinkOptions link, Clock& clock) {
    auto r = air_.add_radio(radio);
    if (!r.ok()) return r.failure();
    devices_.push_back(std::make_unique<SimDevice>(**r, link, clock));
    return devices_.back().get();
  }
  SimAir& air() { return air_; }
  std::size_t size() const { return devices_.size(); }
  SimDevice& operator[](std::size_t i) { return *devices_[i]; }

 private:
  SimAir air_;
  Clock& espnow_clock_;
  std::deque<std::unique_ptr<SimDevice>> devices_;
};

}  // namespace espnow
