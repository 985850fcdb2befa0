// The devices the Python modules drive. A device is a radio (whose STA/AP
// interfaces, channel and long-range mode network.WLAN controls), SoftLink
// and the device's one ESPNow. Each process has a default device on the
// shared UDP air (the seeds' singleton); tests make in-process airs with as
// many devices as they like (espnow_sim.Air).
#pragma once

#include <pybind11/pybind11.h>

#include <memory>

#include "espnow/udp_air.hpp"
#include "espnow/virtual_air.hpp"

namespace espnow::py {

class AsyncSender;

class PyDevice {
 public:
  // A device owned by an in-process air; `air` keeps it alive.
  PyDevice(std::shared_ptr<VirtualAir> air, VirtualDevice& device);
  // A device of its own on a UDP air.
  PyDevice(std::shared_ptr<UdpAir> air, UdpRadio& radio);
  ~PyDevice();
  PyDevice(const PyDevice&) = delete;
  PyDevice& operator=(const PyDevice&) = delete;

  ESPNow& espnow() { return device_->espnow(); }
  VirtualRadio& radio() { return device_->radio(); }
  // Completion reports for AIOESPNow's sends, made on first use.
  AsyncSender& sender();
  // Stops ESP-NOW and the radio's callbacks (before the interpreter exits).
  void shutdown();

 private:
  std::shared_ptr<void> air_;                   // destroyed last
  std::unique_ptr<VirtualDevice> owned_;        // a UDP air's device
  VirtualDevice* device_ = nullptr;
  std::unique_ptr<AsyncSender> sender_;
};

// The process's device on the UDP air (ESPNOW_AIR, ESPNOW_MAC), made on first
// use. Raises OSError when the air cannot be opened.
std::shared_ptr<PyDevice> process_device();
// Tears it down; called at interpreter exit.
void shutdown_process_device();

void bind_devices(pybind11::module_& m);

}  // namespace espnow::py
