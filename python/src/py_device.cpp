#include "py_device.hpp"

#include <pybind11/stl.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <mutex>
#include <random>

#include "py_args.hpp"
#include "py_async_sender.hpp"
#include "py_device_events.hpp"
#include "py_errors.hpp"
#include "py_gil.hpp"
#include "py_seconds.hpp"
#include "espnow/common/environment.hpp"

namespace espnow::py {

namespace pyb = pybind11;

PyDevice::PyDevice(std::shared_ptr<void> air, SimDevice& device)
    : air_(std::move(air)),
      radio_(&device.radio()),
      air_radio_(&device.radio()),
      espnow_(&device.espnow()),
      description_("in-process air") {
  events_ = std::make_unique<DeviceEvents>(*espnow_);
}

PyDevice::PyDevice(host::OpenedRadio opened, int version)
    : opened_(std::make_unique<host::OpenedRadio>(std::move(opened))),
      link_(std::make_unique<SoftLink>(*opened_->radio, SoftLinkOptions{.version = static_cast<std::uint8_t>(version)})),
      own_espnow_(std::make_unique<ESPNow>(*link_)),
      radio_(opened_->radio),
      air_radio_(opened_->udp_radio),
      espnow_(own_espnow_.get()),
      description_(opened_->description) {
  events_ = std::make_unique<DeviceEvents>(*espnow_);
}

PyDevice::~PyDevice() { shutdown(); }

void PyDevice::shutdown() {
  // Deactivating fails every send still owed, so the sender hears of each
  // before it goes; nothing calls back after this.
  if (air_ || opened_) (void)espnow_->active(false);
  sender_.reset();
}

AirRadio& PyDevice::air_radio(const char* what) {
  if (!air_radio_) {
    const std::string message = std::string("cannot ") + what + " of " + description_ +
                                ": a real radio's interface is set up by the system (ip link / iw)";
    PyErr_SetObject(PyExc_OSError, Py_BuildValue("(is)", 1, message.c_str()));  // EPERM
    throw pybind11::error_already_set();
  }
  return *air_radio_;
}

AsyncSender& PyDevice::sender() {
  if (!sender_) sender_ = std::make_unique<AsyncSender>(espnow(), events_.get());
  return *sender_;
}

namespace {

MacAddress random_local_mac() {
  std::random_device rd;
  MacAddress m;
  for (auto& b : m.bytes) b = static_cast<std::uint8_t>(rd());
  m.bytes[0] = static_cast<std::uint8_t>((m.bytes[0] & 0xFC) | 0x02);  // locally administered, unicast
  return m;
}

// ESPNOW_MAC, or a random locally-administered address for this process.
MacAddress process_mac() {
  const char* text = std::getenv("ESPNOW_MAC");
  if (!text || !*text) return random_local_mac();
  const MacParseResult r = MacAddress::parse(text);
  if (!r) raise_value_error(std::string("ESPNOW_MAC='") + text + "' is not a MAC address: " + std::string(to_string(r.error)));
  if (r.mac.is_multicast()) raise_value_error(std::string("ESPNOW_MAC='") + text + "' is a group address; a device's MAC must be unicast");
  return r.mac;
}

// The ESP-NOW version of the board being emulated (ESPNOW_VERSION).
int board_version() {
  const Result<int> v = protocol_version_from_environment();
  if (!v.ok()) raise_value_error(std::string(v.detail()));
  return *v;
}

std::mutex g_process_mutex;
std::shared_ptr<PyDevice> g_process_device;

std::shared_ptr<PyDevice> open_process_device() {
  host::OpenRadioOptions options;
  const char* env_mac = std::getenv("ESPNOW_MAC");
  const char* env_radio = std::getenv("ESPNOW_RADIO");
  const bool real_radio = env_radio && std::string_view(env_radio).starts_with("linux");
  if ((env_mac && *env_mac) || !real_radio) options.mac = process_mac();  // a real card has its own
  Result<host::OpenedRadio> result = host::open_radio_from_environment(options);
  if (!result.ok()) {
    PyErr_SetString(PyExc_OSError, ("cannot open the radio: " + std::string(result.detail())).c_str());
    throw pyb::error_already_set();
  }
  host::OpenedRadio opened = std::move(result).value();
  // On the simulated air, as on a board after reset: both interfaces down
  // until network.WLAN(...).active(True).
  if (opened.udp_radio) opened.udp_radio->set_active(Interface::sta, false);
  return std::make_shared<PyDevice>(std::move(opened), board_version());
}

}  // namespace

std::shared_ptr<PyDevice> process_device() {
  std::lock_guard lk(g_process_mutex);
  if (!g_process_device) g_process_device = open_process_device();
  return g_process_device;
}

namespace {
// `action` on the process's device, without the GIL, if it was ever made.
template <class Action>
void with_process_device(Action action) {
  std::shared_ptr<PyDevice> device;
  {
    std::lock_guard lk(g_process_mutex);
    device = g_process_device;
  }
  if (!device) return;
  without_gil([&] { action(*device); });
}

// The process's blocked receive or send asks for signals now, not at its
// next 50 ms poll (see ESPNow::interrupt_waits): the board's interrupts
// thread calls this right after it signals the script's thread.
void interrupt_process_waits() {
  with_process_device([](PyDevice& d) { d.espnow().interrupt_waits(); });
}
}  // namespace

void shutdown_process_device() {
  with_process_device([](PyDevice& d) { d.shutdown(); });
}

// A device's radio, from add_device's arguments (ValueError for a bad one).
RadioOptions radio_options(pyb::handle mac, int channel, std::pair<double, double> position, bool sta_active,
                           bool ap_active, bool long_range) {
  RadioOptions options{.mac = mac.is_none() ? random_local_mac() : mac_arg(mac),
                       .position = {position.first, position.second},
                       .long_range = long_range,
                       .sta_active = sta_active,
                       .ap_active = ap_active};
  if (channel < 1 || channel > 14) raise_value_error("channel must be 1..14, got " + std::to_string(channel));
  options.channel = static_cast<std::uint8_t>(channel);
  return options;
}

// Its ESP-NOW version: 1 or 2 (default: ESPNOW_VERSION, else 1).
SoftLinkOptions link_options(pyb::handle version) {
  const int v = version.is_none() ? board_version() : version.cast<int>();
  if (v != 1 && v != 2) raise_value_error("version must be 1 or 2, got " + std::to_string(v));
  return SoftLinkOptions{.version = static_cast<std::uint8_t>(v)};
}

namespace {

// An in-process air for tests and simulations.
class PyAir {
 public:
  PyAir(bool timing, double loss, std::uint64_t seed)
      : air_(std::make_shared<SimDevices>(AirOptions{.seed = seed, .loss = loss, .timing = timing})) {}

  std::shared_ptr<PyDevice> add_device(pyb::handle mac, int channel, std::pair<double, double> position,
                                       bool sta_active, bool ap_active, bool long_range, pyb::handle version) {
    const RadioOptions options = radio_options(mac, channel, position, sta_active, ap_active, long_range);
    SimDevice* device = unwrap(air_->add_device(options, link_options(version)));
    return std::make_shared<PyDevice>(air_, *device);
  }
  void set_loss(double p) { air_->air().set_loss(p); }

 private:
  std::shared_ptr<SimDevices> air_;
};

}  // namespace

void bind_devices(pyb::module_& m) {
  pyb::class_<PyDevice, std::shared_ptr<PyDevice>>(m, "Device", pyb::dynamic_attr(),
                                                  "A device: a radio, SoftLink and its one ESPNow.")
      .def("mac", [](PyDevice& d, int ifidx) { return to_bytes(d.radio().mac(static_cast<Interface>(ifidx != 0))); },
           pyb::arg("ifidx") = 0)
      .def("set_mac", [](PyDevice& d, int ifidx, pyb::handle mac) {
             const MacAddress address = mac_arg(mac);
             check(d.air_radio("change the MAC").set_mac(static_cast<Interface>(ifidx != 0), address));
           })
      .def("interface_active", [](PyDevice& d, int ifidx) { return d.radio().interface_active(static_cast<Interface>(ifidx != 0)); })
      .def("set_interface_active", [](PyDevice& d, int ifidx, bool on) {
             const auto i = static_cast<Interface>(ifidx != 0);
             if (d.radio().interface_active(i) == on) return;  // a real radio's is up already
             d.air_radio("change the interface state").set_active(i, on);
           })
      .def("channel", [](PyDevice& d) { return d.radio().channel(); })
      .def("set_channel", [](PyDevice& d, int ch) {
             if (ch < 1 || ch > 14) raise_value_error("channel must be 1..14, got " + std::to_string(ch));
             // Waits for deliveries under way.
             check(without_gil([&] { return d.radio().set_channel(static_cast<std::uint8_t>(ch)); }));
           })
      .def("long_range", [](PyDevice& d) { return d.radio().long_range(); })
      .def("set_long_range", [](PyDevice& d, bool on) {
             if (d.radio().long_range() != on) d.air_radio("change long-range mode").set_long_range(on);
           })
      .def("tx_power", [](PyDevice& d) { return d.air_radio("read the transmit power").tx_power(); })
      .def("set_tx_power", [](PyDevice& d, double dbm) { d.air_radio("set the transmit power").set_tx_power(dbm); })
      .def("position", [](PyDevice& d) { const Position p = d.air_radio("read the position").position(); return std::make_pair(p.x, p.y); })
      .def("set_position", [](PyDevice& d, double x, double y) { d.air_radio("set the position").set_position({x, y}); })
      .def_property_readonly("description", &PyDevice::description)
      // For an asyncio loop on virtual time (espnow_sim): arrivals and send
      // reports counted; a wait for the count to pass a mark, or `timeout`
      // seconds of the device's clock (None: no limit).
      .def("_events_mark", [](PyDevice& d) { return d.events().mark(); })
      .def("_events_signal", [](PyDevice& d) { d.events().signal(); })
      .def("_events_wait", [](PyDevice& d, std::uint64_t mark, std::optional<double> timeout) {
             DeviceEvents& events = d.events();
             std::optional<std::chrono::nanoseconds> deadline;
             // Rounded up: a loop whose next timer is under a nanosecond away must see time reach it.
             if (timeout)
               deadline = events.clock().now() + span_ns(std::max(0.0, *timeout), /*round_up=*/true);
             without_gil([&] { events.wait(mark, deadline); });
           }, pyb::arg("mark"), pyb::arg("timeout"))
      .def("_clock_seconds", [](PyDevice& d) { return std::chrono::duration<double>(d.espnow().clock().now()).count(); })
      .def("_clock_ns", [](PyDevice& d) { return static_cast<std::int64_t>(d.espnow().clock().now().count()); })
      // time.sleep on the device's clock (in a Simulation: virtual, with the device's drift).
      .def("_sleep", [](PyDevice& d, double seconds) {
             if (!(seconds >= 0)) raise_value_error("sleep length must be non-negative");
             Clock& clock = d.espnow().clock();
             const auto until = clock.now() + span_ns(seconds, /*round_up=*/true);
             without_gil([&] { clock.sleep_until(until); });
           }, pyb::arg("seconds"))
      .def("ticks_ms", [](PyDevice& d) { return d.radio().now_us() / 1000; },
           "Milliseconds on the device's clock (the one peers_table's time_ms uses).");

  pyb::class_<PyAir>(m, "Air", "An in-process air: many devices in one process.")
      .def(pyb::init<bool, double, std::uint64_t>(), pyb::kw_only(), pyb::arg("timing") = false,
           pyb::arg("loss") = 0.0, pyb::arg("seed") = 1)
      .def("add_device", &PyAir::add_device, pyb::kw_only(), pyb::arg("mac") = pyb::none(), pyb::arg("channel") = 1,
           pyb::arg("position") = std::make_pair(0.0, 0.0), pyb::arg("sta_active") = true,
           pyb::arg("ap_active") = false, pyb::arg("long_range") = false, pyb::arg("version") = pyb::none(),
           "A device on this air; version: its ESP-NOW version, 1 or 2 (default: ESPNOW_VERSION, else 1).")
      .def("set_loss", &PyAir::set_loss);

  // One Python object for the process's device, kept by the module: the
  // singletons (ESPNow(), AIOESPNow()) live in its __dict__, so a fresh
  // wrapper per call would make `ESPNow() is ESPNow()` false.
  m.def("process_device", []() -> pyb::object {
        pyb::module_ self = pyb::module_::import("_espnow");
        pyb::object kept = pyb::getattr(self, "_process_device_object", pyb::none());
        if (kept.is_none()) {
          kept = pyb::cast(process_device());
          self.attr("_process_device_object") = kept;
        }
        return kept;
      }, "The process's device on the UDP air, made on first use; always the same object.");
  m.def("_interrupt_waits", &interrupt_process_waits,
        "The process device's blocked receive or send asks for signals at once (none made: nothing).");
}

}  // namespace espnow::py
