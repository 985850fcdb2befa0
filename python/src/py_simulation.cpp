#include "py_simulation.hpp"

#include <pybind11/stl.h>

#include <chrono>
#include <memory>
#include <optional>
#include <set>

#include "espnow/devices/beacon_source.hpp"
#include "espnow/devices/simulation.hpp"
#include "espnow/host/air_pcap.hpp"
#include "espnow/wire/air_physics.hpp"
#include "py_args.hpp"
#include "py_device.hpp"
#include "py_errors.hpp"
#include "py_gil.hpp"
#include "py_seconds.hpp"

namespace espnow::py {

namespace pyb = pybind11;

namespace {

std::chrono::nanoseconds seconds_arg(double s, const char* what) {
  if (!(s >= 0)) raise_value_error(std::string(what) + " must be >= 0 seconds");
  return span_ns(s, /*round_up=*/false);
}

double to_seconds(std::chrono::nanoseconds t) { return std::chrono::duration<double>(t).count(); }

// A Python program and the device object it is given. Its references go
// with the GIL held, whichever thread drops the last copy.
struct PyProgram {
  pyb::object fn;
  ~PyProgram() {
    pyb::gil_scoped_acquire gil;
    fn = pyb::object();
  }
};

// The Python threads the programs run on (by their thread ident), so a
// Ctrl-C can end one that never waits. Touched with the GIL held.
struct ProgramThreads {
  std::set<unsigned long> idents;
  // Raises `exception` in every program thread when it next runs Python
  // (none: takes back what is pending). A thread in a wait sees it only when
  // the wait ends, which for a stopped run is when the simulation unwinds it.
  void raise_in_all(PyObject* exception) const {
    for (const unsigned long id : idents) PyThreadState_SetAsyncExc(id, exception);
  }
};

// The simulation is never destroyed holding the GIL: its programs' threads
// take the GIL to unwind their Python frames.
void destroy_simulation(Simulation* s) {
  if (PyGILState_Check()) {
    pyb::gil_scoped_release nogil;
    delete s;
  } else {
    delete s;
  }
}

// espnow_sim.Simulation: Python callables as device programs on virtual time.
class PySimulation {
 public:
  PySimulation(std::uint64_t seed, double loss, double path_loss_exponent, double reference_loss_db)
      : sim_(new Simulation(AirOptions{.seed = seed,
                                       .loss = loss,
                                       .path_loss_exponent = path_loss_exponent,
                                       .reference_loss_db = reference_loss_db}),
             destroy_simulation) {}
  // The simulation may outlive this object (its devices keep it): the capture stops here.
  ~PySimulation() {
    if (!pcap_) return;
    sim_->air().set_sniffer({});
    pcap_->flush();
  }

  std::optional<int> heard_rssi(std::pair<double, double> source, std::pair<double, double> at, double tx_dbm) const {
    const int rssi = sim_->air().rssi_dbm({source.first, source.second}, {at.first, at.second}, tx_dbm);
    if (reception(1, 1, PhyRate::r1m, false, rssi) != Reception::heard) return std::nullopt;
    return rssi;
  }

  // A router's beacons (network._add_router, for espnow-python --sim's --router).
  void add_beacon_source(pyb::handle bssid, const std::string& ssid, int channel, bool protected_network,
                         std::pair<double, double> position, double tx_dbm) {
    if (channel < 1 || channel > 14) raise_value_error("a router's channel is 1 to 14");
    check(espnow::add_beacon_source(*sim_, {.bssid = mac_arg(bssid),
                                            .ssid = ssid,
                                            .channel = static_cast<std::uint8_t>(channel),
                                            .protected_network = protected_network,
                                            .position = {position.first, position.second},
                                            .tx_power_dbm = tx_dbm}));
  }

  std::shared_ptr<PyDevice> add_device(pyb::object program, pyb::handle mac, int channel,
                                       std::pair<double, double> position, bool sta_active, bool ap_active,
                                       bool long_range, pyb::handle version, double tx_power_dbm, pyb::handle ap_mac) {
    RadioOptions options = radio_options(mac, channel, position, sta_active, ap_active, long_range);
    options.tx_power_dbm = tx_power_dbm;
    if (!ap_mac.is_none()) options.ap_mac = mac_arg(ap_mac);
    Simulation::Program body;
    if (!program.is_none()) {
      auto prog = std::make_shared<PyProgram>();
      prog->fn = std::move(program);
      body = [prog, threads = threads_](SimDevice& device) { run(*prog, *threads, device); };
    }
    SimDevice* device = unwrap(sim_->add_device(options, std::move(body), link_options(version)));
    return std::make_shared<PyDevice>(sim_, *device);
  }

  // Ctrl-C ends the run where virtual time is and raises KeyboardInterrupt
  // (the handler Python runs for a signal: the run asks for it every 100 ms).
  // A program that runs on without waiting (a busy loop) would hold the run
  // for ever: asked again, the programs get SimulationExit.
  void run_for(double seconds) {
    const auto d = seconds_arg(seconds, "run_for");
    threads_->raise_in_all(nullptr);  // a run stopped before: its waiting programs go on
    // Looked up now: once stopped, this thread has the signal's exception set.
    const pyb::object exit_type = pyb::module_::import("_espnow").attr("SimulationExit");
    bool stopped = false;
    {
      pyb::gil_scoped_release nogil;
      sim_->run_for(d, [this, &stopped, &exit_type] {
        pyb::gil_scoped_acquire gil;
        if (stopped) {
          threads_->raise_in_all(exit_type.ptr());
          return true;
        }
        stopped = PyErr_CheckSignals() != 0;  // its exception stays set on this thread
        return stopped;
      });
      if (pcap_) pcap_->flush();
    }
    if (PyErr_Occurred()) throw pyb::error_already_set();
  }
  // Every frame on the air from now on, to a pcap file (OSError when it cannot be written).
  void capture(const std::string& path) {
    auto opened = host::AirPcap::open(path);
    if (!opened.ok()) {
      PyErr_SetString(PyExc_OSError, std::string(opened.detail()).c_str());
      throw pyb::error_already_set();
    }
    pcap_ = std::move(opened).value();
    host::AirPcap* pcap = pcap_.get();
    sim_->air().set_sniffer([pcap](const AiredFrame& f) { pcap->write(f); });
  }
  void sleep(double seconds) {
    const auto d = seconds_arg(seconds, "sleep");
    without_gil([&] { sim_->clock().sleep_until(sim_->clock().now() + d); });
  }
  double now() const { return to_seconds(sim_->now()); }
  std::uint64_t ticks_ms() const { return static_cast<std::uint64_t>(sim_->now().count() / 1000000); }
  bool finished() const { return sim_->finished(); }
  void set_loss(double p) { sim_->air().set_loss(p); }
  void set_clock_drift(std::size_t device, double ppm) {
    if (device >= sim_->size()) raise_value_error("no device " + std::to_string(device));
    sim_->set_clock_drift(device, ppm);
  }
  // `fn()` when virtual time reaches `when`, between the programs' steps, with
  // the GIL; what it raises is printed, as a program's uncaught exception is.
  void at(double when, pyb::function fn) {
    // Released with the GIL held, whichever thread drops the last copy.
    std::shared_ptr<pyb::object> action(new pyb::object(std::move(fn)), [](pyb::object* o) {
      pyb::gil_scoped_acquire gil;
      delete o;
    });
    sim_->at(seconds_arg(when, "at"), [action] {
      pyb::gil_scoped_acquire gil;
      try {
        (*action)();
      } catch (pyb::error_already_set& e) {
        e.restore();
        PyErr_Print();
      }
    });
  }
  void power_cycle(std::size_t device, double at, double off_for) {
    if (device >= sim_->size()) raise_value_error("no device " + std::to_string(device));
    sim_->power_cycle(device, seconds_arg(at, "at"), seconds_arg(off_for, "off_for"));
  }

 private:
  // One program run: its own device object (not keeping the simulation, which
  // outlives every program), its ESPNow singletons with it. An exception the
  // program does not handle is printed with its traceback, as an uncaught
  // exception in a thread is; SimulationExit (the simulation ending it) is not.
  static void run(PyProgram& prog, ProgramThreads& threads, SimDevice& device) {
    mark_library_thread();  // the simulation joins it
    pyb::gil_scoped_acquire gil;
    const unsigned long ident = PyThread_get_thread_ident();
    threads.idents.insert(ident);
    struct Forget {
      ProgramThreads& threads;
      unsigned long ident;
      ~Forget() {
        PyThreadState_SetAsyncExc(ident, nullptr);  // not for whatever runs on this thread next
        threads.idents.erase(ident);
      }
    } forget{threads, ident};
    try {
      pyb::object dev = pyb::cast(std::make_shared<PyDevice>(nullptr, device));
      prog.fn(dev);
    } catch (pyb::error_already_set& e) {
      if (e.matches(pyb::module_::import("_espnow").attr("SimulationExit"))) return;
      e.restore();
      PyErr_Print();
    }
  }

  std::unique_ptr<host::AirPcap> pcap_;
  std::shared_ptr<ProgramThreads> threads_ = std::make_shared<ProgramThreads>();
  std::shared_ptr<Simulation> sim_;
};

}  // namespace

void bind_simulation(pyb::module_& m) {
  // Thrown through a program to end it (its simulation ends, its device is
  // power-cycled): a BaseException, so `except Exception` lets it pass.
  static pyb::exception<SimulationUnwind> exit_type(m, "SimulationExit", PyExc_BaseException);
  pyb::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const SimulationUnwind&) {
      PyErr_SetString(exit_type.ptr(), "the simulation ended this program");
    }
  });
  pyb::class_<PySimulation>(m, "Simulation",
                            "Python callables as device programs on virtual time: time moves only when every "
                            "program waits, and a seed gives the same run.")
      .def(pyb::init<std::uint64_t, double, double, double>(), pyb::kw_only(), pyb::arg("seed") = 1,
           pyb::arg("loss") = 0.0, pyb::arg("path_loss_exponent") = 3.0, pyb::arg("reference_loss_db") = 40.0)
      .def("add_device", &PySimulation::add_device, pyb::arg("program") = pyb::none(), pyb::kw_only(),
           pyb::arg("mac") = pyb::none(), pyb::arg("channel") = 1, pyb::arg("position") = std::make_pair(0.0, 0.0),
           pyb::arg("sta_active") = true, pyb::arg("ap_active") = false, pyb::arg("long_range") = false,
           pyb::arg("version") = pyb::none(), pyb::arg("tx_power_dbm") = 20.0, pyb::arg("ap_mac") = pyb::none(),
           "A device whose program(device) runs on virtual time from the next run_for() (ap_mac: its "
           "soft-AP's MAC, default the STA MAC + 1).")
      .def("_add_beacon_source", &PySimulation::add_beacon_source, pyb::arg("bssid"), pyb::arg("ssid"),
           pyb::arg("channel"), pyb::arg("protected"), pyb::arg("position"), pyb::arg("tx_dbm") = 20.0,
           "A router's radio on the air, broadcasting a beacon every 102.4 ms (network's routers).")
      .def("capture", &PySimulation::capture, pyb::arg("path"),
           "Writes every frame on the air from now on to a pcap file (radiotap; virtual time stamps).")
      .def("run_for", &PySimulation::run_for, pyb::arg("seconds"),
           "Runs until `seconds` more virtual time has passed, or every program has returned.")
      .def("sleep", &PySimulation::sleep, pyb::arg("seconds"), "For programs: waits `seconds` of virtual time.")
      .def("now", &PySimulation::now, "Virtual seconds since the simulation began.")
      .def("ticks_ms", &PySimulation::ticks_ms)
      .def("finished", &PySimulation::finished)
      .def("set_loss", &PySimulation::set_loss)
      .def("heard_rssi", &PySimulation::heard_rssi, pyb::arg("source"), pyb::arg("at"), pyb::arg("tx_dbm") = 20.0,
           "The RSSI a radio at `at` (x, y metres) sees of a transmitter at `source` sending at tx_dbm on its "
           "channel at 1 Mbps (the air's path loss), or None below a chip's sensitivity: what a scan hears of a "
           "router.")
      .def("set_clock_drift", &PySimulation::set_clock_drift, pyb::arg("device"), pyb::arg("ppm"),
           "Device number `device`'s clock runs `ppm` parts per million fast (negative: slow) from now on: "
           "its timeouts, sleeps and ticks drift.")
      .def("at", &PySimulation::at, pyb::arg("when"), pyb::arg("fn"),
           "At virtual second `when`, fn() runs between the programs' steps (it must not wait): a scenario's "
           "change, such as a pin driven or a device moved.")
      .def("power_cycle", &PySimulation::power_cycle, pyb::arg("device"), pyb::arg("at"), pyb::arg("off_for"),
           "At virtual second `at`, device number `device` loses power for `off_for` s, then its program "
           "starts again.");
}

}  // namespace espnow::py
