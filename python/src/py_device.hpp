// The devices the Python modules drive: a radio, SoftLink and the device's
// one ESPNow. network.WLAN controls the radio's interfaces, channel and
// long-range mode. Each process has a default device (the seeds' singleton):
// on the radio ESPNOW_RADIO names (linux:IFACE, ...), else on the shared UDP
// air; tests make in-process airs with as many devices as they like
// (espnow_sim.Air).
#pragma once

#include <pybind11/pybind11.h>

#include <memory>
#include <string>
#include <utility>

#include "espnow/host/open_radio.hpp"
#include "espnow/devices/sim_devices.hpp"

namespace espnow::py {

class AsyncSender;
class DeviceEvents;

class PyDevice {
 public:
  // A device owned by an in-process air or a simulation; `air` keeps it
  // alive. With no `air` (a simulation's program gets its device so: the
  // program cannot outlive it) the device is not kept, and this object does
  // not deinitialise its ESPNow when it goes.
  PyDevice(std::shared_ptr<void> air, SimDevice& device);
  // A device of its own on an opened radio (UDP air or Linux).
  PyDevice(host::OpenedRadio opened, int version);
  ~PyDevice();
  PyDevice(const PyDevice&) = delete;
  PyDevice& operator=(const PyDevice&) = delete;

  ESPNow& espnow() { return *espnow_; }
  Radio& radio() { return *radio_; }
  // The simulated radio's controls (MAC, interfaces, long range, position);
  // raises OSError for a real radio, naming `what` could not be done.
  AirRadio& air_radio(const char* what);
  const std::string& description() const { return description_; }
  // Completion reports for AIOESPNow's sends, made on first use.
  AsyncSender& sender();
  // Arrivals and send reports, counted for an asyncio loop on virtual time.
  DeviceEvents& events() { return *events_; }
  // Stops ESP-NOW and the radio's callbacks (before the interpreter exits).
  void shutdown();

 private:
  // Declared in the order of need; destroyed in reverse.
  std::shared_ptr<void> air_;                 // an in-process air
  std::unique_ptr<host::OpenedRadio> opened_;  // a radio of its own
  std::unique_ptr<SoftLink> link_;
  std::unique_ptr<ESPNow> own_espnow_;
  std::unique_ptr<DeviceEvents> events_;
  std::unique_ptr<AsyncSender> sender_;
  Radio* radio_ = nullptr;
  AirRadio* air_radio_ = nullptr;
  ESPNow* espnow_ = nullptr;
  std::string description_;
};

// The process's device (ESPNOW_RADIO, ESPNOW_AIR, ESPNOW_MAC), made on first
// use. Raises OSError when the radio cannot be opened, with the fix.
std::shared_ptr<PyDevice> process_device();
// Tears it down; called at interpreter exit.
void shutdown_process_device();

// A simulated device's radio and link, from add_device's keyword arguments
// (ValueError for a bad one); shared by espnow_sim.Air and Simulation.
RadioOptions radio_options(pybind11::handle mac, int channel, std::pair<double, double> position, bool sta_active,
                           bool ap_active, bool long_range);
SoftLinkOptions link_options(pybind11::handle version);

void bind_devices(pybind11::module_& m);

}  // namespace espnow::py
