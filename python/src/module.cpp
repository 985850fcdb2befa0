// _espnow: the C++ core for CPython. espnow.py, aioespnow.py and network.py
// build the seeds' modules on it; espnow_sim.py offers its in-process airs.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <chrono>
#include <optional>
#include <utility>

#include "espnow/common/clock.hpp"
#include "espnow/wire/constants.hpp"
#include "espnow/common/environment.hpp"
#include "espnow/wire/air_physics.hpp"
#include "py_aes.hpp"
#include "py_device.hpp"
#include "py_errors.hpp"
#include "py_espnow.hpp"
#include "py_flood.hpp"
#include "py_gil.hpp"
#include "py_irq.hpp"
#include "py_schedule.hpp"
#include "py_simulation.hpp"

namespace pyb = pybind11;
using namespace espnow;

namespace {

std::uint64_t process_us() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - process_start()).count());
}

void add_constants(pyb::module_& m) {
  m.attr("ADDR_LEN") = ADDR_LEN;
  m.attr("KEY_LEN") = KEY_LEN;
  // The board being emulated: ESP-IDF >= 5.4 firmware says 1470 (ESPNOW_VERSION=2).
  const Result<int> v = protocol_version_from_environment();
  if (!v.ok()) throw pyb::value_error(std::string(v.detail()));
  m.attr("MAX_DATA_LEN") = *v >= 2 ? MAX_DATA_LEN_V2 : MAX_DATA_LEN;
  m.attr("_VERSION") = *v;
  m.attr("MAX_DATA_LEN_V2") = MAX_DATA_LEN_V2;
  m.attr("MAX_TOTAL_PEER_NUM") = MAX_TOTAL_PEER_NUM;
  m.attr("MAX_ENCRYPT_PEER_NUM") = MAX_ENCRYPT_PEER_NUM;
  m.attr("RATE_1M") = RATE_1M;
  m.attr("RATE_2M") = RATE_2M;
  m.attr("RATE_5M") = RATE_5M;
  m.attr("RATE_11M") = RATE_11M;
  m.attr("RATE_6M") = RATE_6M;
  m.attr("RATE_12M") = RATE_12M;
  m.attr("RATE_24M") = RATE_24M;
  m.attr("RATE_54M") = RATE_54M;
  m.attr("RATE_LORA_250K") = RATE_LORA_250K;
  m.attr("RATE_LORA_500K") = RATE_LORA_500K;
}

}  // namespace

PYBIND11_MODULE(_espnow, m) {
  m.doc() = "ESP-NOW for C++: the core behind the espnow, aioespnow and network modules";
  add_constants(m);
  py::bind_errors(m);
  py::bind_aes(m);
  py::bind_devices(m);
  py::bind_simulation(m);
  py::bind_espnow(m);
  py::bind_schedule(m);
  py::bind_flood(m);
  m.def("ticks_us", &process_us, "Microseconds since the process started: the UDP air's device clock.");
  m.def("ticks_ms", [] { return process_us() / 1000; }, "Milliseconds since the process started.");
  m.def(
      "heard_rssi",
      [](std::pair<double, double> source, std::pair<double, double> at, double tx_dbm) -> std::optional<int> {
        const int rssi = espnow::rssi_dbm(espnow::PathLoss{}, {source.first, source.second}, {at.first, at.second}, tx_dbm);
        if (espnow::reception(1, 1, espnow::PhyRate::r1m, false, rssi) != espnow::Reception::heard) return std::nullopt;
        return rssi;
      },
      pybind11::arg("source"), pybind11::arg("at"), pybind11::arg("tx_dbm") = 20.0,
      "As Simulation.heard_rssi, with the UDP air's default path loss: what a process's device hears of a "
      "router (espnow-python --router).");
  // Before the interpreter goes: irq callbacks end (py_irq.hpp), the
  // script's threads coming back from a wait park (py_gil.hpp), then the
  // process's device stops (its threads may want the GIL).
  m.def("_shutdown", [] {
    py::close_irq_gate();
    py::close_gil_gate();  // after the callbacks: one may be in a wait
    py::shutdown_process_device();
  });
  pyb::module_::import("atexit").attr("register")(m.attr("_shutdown"));
}
