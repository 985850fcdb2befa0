#include "py_espnow.hpp"

#include <pybind11/stl.h>

#include <array>
#include <cstring>
#include <memory>
#include <optional>
#include <string>

#include "espnow/wire/constants.hpp"
#include "espnow/wire/phy.hpp"
#include "py_args.hpp"
#include "py_async_sender.hpp"
#include "py_bytearray.hpp"
#include "py_device.hpp"
#include "py_errors.hpp"
#include "py_gil.hpp"
#include "py_irq.hpp"
#include "py_rx_state.hpp"

namespace espnow::py {

namespace pyb = pybind11;

namespace {

bool truthy(pyb::handle o) {
  const int t = PyObject_IsTrue(o.ptr());
  if (t < 0) throw pyb::error_already_set();
  return t != 0;
}

// add_peer/mod_peer's arguments, kept alive for the call (the key's bytes).
struct PeerArgs {
  MacAddress mac;
  PeerOptions options;
  std::optional<ByteView> key;
};

constexpr std::array<const char*, 5> kPeerArgNames = {"mac", "lmk", "channel", "ifidx", "encrypt"};

void parse_lmk(PeerArgs& out, pyb::handle lmk) {
  if (lmk.is_none()) return;
  if (!truthy(lmk)) {  // b'', '', False, 0: no key, encryption off
    out.options.lmk = std::span<const std::uint8_t>{};
    return;
  }
  out.key.emplace(lmk, true);
  if (!out.key->valid() || out.key->bytes().size() != KEY_LEN)
    raise_arg_error(ArgError::bad_key, "lmk must be 16 bytes (str, bytes or bytearray)");
  out.options.lmk = out.key->bytes();
}

std::optional<int> small_int(pyb::handle o, const char* what) {
  if (o.is_none()) return std::nullopt;
  const std::int64_t v = int_arg(o, what);
  if (v < -1000 || v > 1000) raise_value_error(std::string(what) + " is out of range: " + std::to_string(v));
  return static_cast<int>(v);
}

void parse_peer_args(const pyb::args& args, const pyb::kwargs& kwargs, PeerArgs& out) {
  if (args.size() > kPeerArgNames.size())
    raise_type_error("takes at most 5 arguments (mac, lmk, channel, ifidx, encrypt), " + std::to_string(args.size()) + " given");
  std::array<pyb::handle, 5> slot{pyb::none(), pyb::none(), pyb::none(), pyb::none(), pyb::none()};
  std::array<bool, 5> given{};
  for (std::size_t i = 0; i < args.size(); ++i) slot[i] = args[i], given[i] = true;
  for (auto [key, value] : kwargs) {
    const std::string name = pyb::str(key);
    std::size_t i = 0;
    while (i < kPeerArgNames.size() && name != kPeerArgNames[i]) ++i;
    if (i == kPeerArgNames.size()) raise_value_error("unknown keyword argument '" + name + "'");
    if (given[i]) raise_type_error("argument '" + name + "' given twice");
    slot[i] = value, given[i] = true;
  }
  if (!given[0]) raise_type_error("missing argument 'mac'");
  out.mac = mac_arg(slot[0]);
  parse_lmk(out, slot[1]);
  out.options.channel = small_int(slot[2], "channel");
  if (out.options.channel && (*out.options.channel < 0 || *out.options.channel > kMaxChannel))
    raise_arg_error(ArgError::bad_channel, "channel must be 0..14, got " + std::to_string(*out.options.channel));
  out.options.ifidx = small_int(slot[3], "ifidx");
  if (out.options.ifidx && *out.options.ifidx != 0 && *out.options.ifidx != 1)
    raise_arg_error(ArgError::bad_ifidx, "ifidx must be 0 (STA) or 1 (AP), got " + std::to_string(*out.options.ifidx));
  if (!slot[4].is_none()) out.options.encrypt = truthy(slot[4]);
}

pyb::tuple peer_tuple(const PeerInfo& p) {
  return pyb::make_tuple(to_bytes(p.mac), to_bytes(std::span<const std::uint8_t>(p.lmk)), p.channel,
                         static_cast<int>(p.ifidx), p.encrypt);
}

// config()'s values, checked as the seeds check them (ValueError) before
// C++ sees them.
void check_config(const ConfigUpdate& u) {
  if (u.rxbuf && (*u.rxbuf < 0 || *u.rxbuf > MAX_RXBUF))
    raise_arg_error(ArgError::bad_config, "rxbuf must be 0.." + std::to_string(MAX_RXBUF));
  if (u.version && *u.version != 1 && *u.version != 2) raise_arg_error(ArgError::bad_config, "version must be 1 or 2");
  if (u.peers_table_max && *u.peers_table_max < 1)
    raise_arg_error(ArgError::bad_config, "peers_table_max must be at least 1");
  if (u.rate && (*u.rate < 0 || *u.rate > 255 || !rate_info(static_cast<std::uint8_t>(*u.rate))))
    raise_arg_error(ArgError::bad_config, "rate must be one of the RATE_* constants");
}

bool is_config_name(const std::string& name) {
  return name == "rxbuf" || name == "timeout_ms" || name == "version" || name == "peers_table_max";
}

pyb::tuple none_pair() { return pyb::make_tuple(pyb::none(), pyb::none()); }

// Ctrl-C during a wait, as on a board: ESPNow asks this between slices of a
// blocking receive or sync send, from the waiting thread, without the GIL.
// A signal handler that raises (KeyboardInterrupt) ends the wait; its
// exception stays set for raise_if_interrupted().
bool signal_handler_raised(void* /*ctx*/) {
  pyb::gil_scoped_acquire gil;
  return PyErr_CheckSignals() != 0;
}
constexpr Interrupt kOnSignal{&signal_handler_raised, nullptr};

// An irq callback's wait ends once the exit gives the callback SystemExit.
bool ended_by_exit(void* /*ctx*/) { return irq_callback_ended_by_exit(); }
constexpr Interrupt kOnExit{&ended_by_exit, nullptr};

// Signal handlers run only in the main thread (CPython's own test, right
// after a fork too), so only it asks about them. An irq callback's thread
// asks whether the exit is ending it (before the interpreter finalizes);
// other threads wait undisturbed: a daemon thread taking the GIL while the
// interpreter is finalizing would be ended inside C++ frames (an abort).
// Called with the GIL.
const Interrupt* on_signal() {
  if (_PyOS_IsMainThread()) return &kOnSignal;
  return in_irq_callback() ? &kOnExit : nullptr;
}

template <class T>
void raise_if_interrupted(const Result<T>& r) {
  if (r.error() == std::errc::interrupted) throw pyb::error_already_set();
}

}  // namespace

class PyESPNow {
 public:
  explicit PyESPNow(pyb::object device_obj)
      : device_(device_obj.cast<std::shared_ptr<PyDevice>>()), e_(device_->espnow()) {
    // One RxState per device, whatever the number of Python objects on it.
    if (!pyb::hasattr(device_obj, "_rx_state"))
      device_obj.attr("_rx_state") = pyb::cast(std::make_shared<RxState>(e_.link().max_data_len(), e_));
    rx_ = device_obj.attr("_rx_state").cast<std::shared_ptr<RxState>>();
  }

  // ---- activation and configuration
  bool active(pyb::handle flag) {
    if (!flag.is_none()) {
      const bool on = truthy(flag);
      check(without_gil([&] { return e_.active(on); }));  // stops the irq thread, which may want the GIL
      if (on) rx_->ensure_irecv_capacity(e_.link().max_data_len());
    }
    return e_.active();
  }

  pyb::object config(const pyb::args& args, const pyb::kwargs& kwargs) {
    if (!args.empty()) {
      if (args.size() > 1 || !kwargs.empty()) raise_value_error("config() gets one parameter by name, or sets by keyword");
      if (!PyUnicode_Check(args[0].ptr())) raise_value_error("config() parameter names are str");
      const std::string name = pyb::str(args[0]);
      if (name == "rate") raise_arg_error(ArgError::bad_config, "config('rate') cannot be read: rate is write-only");
      if (!is_config_name(name)) raise_arg_error(ArgError::bad_config, "unknown config parameter '" + name + "'");
      return pyb::int_(unwrap(without_gil([&] { return e_.config(name); })));
    }
    ConfigUpdate u;
    for (auto [key, value] : kwargs) {
      const std::string name = pyb::str(key);
      if (name == "rxbuf") u.rxbuf = int_arg(value, "rxbuf");
      else if (name == "timeout_ms") u.timeout_ms = int_arg(value, "timeout_ms");
      else if (name == "rate") u.rate = int_arg(value, "rate");
      else if (name == "version") u.version = int_arg(value, "version");
      else if (name == "peers_table_max") u.peers_table_max = int_arg(value, "peers_table_max");
      else raise_arg_error(ArgError::bad_config, "unknown config parameter '" + name + "'");
    }
    check_config(u);
    check(without_gil([&] { return e_.config(u); }));
    if (u.version) rx_->ensure_irecv_capacity(e_.link().max_data_len());
    return pyb::none();
  }

  // ---- peers
  void add_peer(const pyb::args& args, const pyb::kwargs& kwargs) {
    PeerArgs p;
    parse_peer_args(args, kwargs, p);
    check(without_gil([&] { return e_.add_peer(p.mac, p.options); }));
  }
  void mod_peer(const pyb::args& args, const pyb::kwargs& kwargs) {
    PeerArgs p;
    parse_peer_args(args, kwargs, p);
    check(without_gil([&] { return e_.mod_peer(p.mac, p.options); }));
  }
  pyb::tuple get_peer(pyb::handle mac) {
    const MacAddress m = mac_arg(mac);
    return peer_tuple(unwrap(without_gil([&] { return e_.get_peer(m); })));
  }
  pyb::tuple get_peers() {
    const auto peers = unwrap(without_gil([&] { return e_.get_peers(); }));
    pyb::tuple out(peers.size());
    for (std::size_t i = 0; i < peers.size(); ++i) out[i] = peer_tuple(peers[i]);
    return out;
  }
  void del_peer(pyb::handle mac) {
    const MacAddress m = mac_arg(mac);
    check(without_gil([&] { return e_.del_peer(m); }));
  }
  pyb::tuple peer_count() {
    const PeerCount c = unwrap(without_gil([&] { return e_.peer_count(); }));
    return pyb::make_tuple(c.total, c.encrypted);
  }
  void set_pmk(pyb::handle pmk) {
    ByteView key(pmk, true);
    if (!key.valid() || key.bytes().size() != KEY_LEN)
      raise_arg_error(ArgError::bad_key, "pmk must be 16 bytes (str, bytes or bytearray)");
    check(without_gil([&] { return e_.set_pmk(key.bytes()); }));
  }

  // ---- sending: send(msg) | send(mac, msg) | send(mac, msg, sync)
  bool send(const pyb::args& args, const pyb::kwargs& kwargs) {
    if (args.empty() || args.size() > 3) raise_type_error("send() takes (msg), (mac, msg) or (mac, msg, sync)");
    pyb::handle sync_obj = args.size() == 3 ? args[2] : pyb::handle();
    for (auto [key, value] : kwargs) {
      if (pyb::str(key).cast<std::string>() != "sync" || sync_obj) raise_type_error("send(): unexpected keyword argument");
      sync_obj = value;
    }
    const bool to_all = args.size() == 1;
    const std::optional<MacAddress> mac = to_all ? std::nullopt : optional_mac_arg(args[0]);
    const pyb::handle msg_obj = to_all ? args[0] : args[1];
    ByteView view(msg_obj, true);
    const auto msg = message_arg(view, msg_obj).bytes();
    // As MicroPython's modespnow: sync left out or None is sync=True.
    const bool sync = !sync_obj || sync_obj.is_none() || truthy(sync_obj);
    const Interrupt* interrupt = on_signal();
    // Waits for ACKs, or for room (NO_MEM).
    const Result<bool> r =
        without_gil([&] { return mac ? e_.send(*mac, msg, sync, interrupt) : e_.send_to_all(msg, sync, interrupt); });
    raise_if_interrupted(r);  // the frames already out still report
    return unwrap(r);
  }

  // ---- receiving
  pyb::object recv(pyb::handle timeout_obj) {
    const auto timeout = timeout_arg(timeout_obj);
    std::array<std::uint8_t, MAX_DATA_LEN_V2> buf;
    MessageView meta;
    const std::size_t n = receive(buf, meta, timeout);
    if (!meta.mac) return none_pair();
    pyb::list out(2);
    out[0] = rx_->record(*meta.mac, meta.rssi, meta.time_ms);
    out[1] = to_bytes(std::span<const std::uint8_t>(buf.data(), n));
    return out;
  }

  pyb::object irecv(pyb::handle timeout_obj) {
    const auto timeout = timeout_arg(timeout_obj);
    pyb::list& out = rx_->irecv_list();
    PyObject* held = PyList_GET_ITEM(out.ptr(), 1);
    // The application may have replaced it, or hold a memoryview of it: then a new one.
    if (!PyByteArray_CheckExact(held) || reinterpret_cast<PyByteArrayObject*>(held)->ob_exports > 0)
      out[1] = pyb::reinterpret_steal<pyb::object>(new_receive_bytearray(e_.link().max_data_len()));
    ReceiveTarget target;
    target.pin(out[1].ptr());
    MessageView meta;
    const std::size_t n = receive(target.space(), meta, timeout);
    if (!meta.mac) return none_pair();  // a timeout leaves the list as it was
    target.finish(n);
    PyList_SetItem(out.ptr(), 0, rx_->record(*meta.mac, meta.rssi, meta.time_ms).inc_ref().ptr());
    return out;
  }

  std::size_t recvinto(pyb::handle data, pyb::handle timeout_obj) {
    if (!PyList_Check(data.ptr())) raise_arg_error(ArgError::not_a_list);
    if (PyList_GET_SIZE(data.ptr()) < 2) raise_arg_error(ArgError::list_too_short);
    const auto timeout = timeout_arg(timeout_obj);
    pyb::object msg = pyb::reinterpret_borrow<pyb::object>(PyList_GET_ITEM(data.ptr(), 1));
    ReceiveTarget target;
    if (!target.pin(msg.ptr())) raise_type_error("data[1] must be a bytearray (or a writable buffer)");
    MessageView meta;
    const std::size_t n = receive(target.space(), meta, timeout);
    if (!meta.mac) return 0;
    target.finish(n);
    pyb::list list = pyb::reinterpret_borrow<pyb::list>(data);
    list[0] = rx_->record(*meta.mac, meta.rssi, meta.time_ms);
    if (list.size() >= 4) list[2] = meta.rssi, list[3] = meta.time_ms;
    return n;
  }

  bool any() { return unwrap(e_.any()); }

  // ---- notification and state
  void irq(pyb::object self, pyb::object callback) {
    if (!callback.is_none() && !PyCallable_Check(callback.ptr())) raise_arg_error(ArgError::not_callable);
    std::function<void(ESPNow&)> fn;
    if (!callback.is_none()) {
      auto holder = std::make_shared<PyIrq>(std::move(callback), std::move(self));
      fn = [holder](ESPNow&) { (*holder)(); };
    }
    without_gil([&] { e_.irq(std::move(fn)); });  // the old callback may be running, and wants the GIL
  }

  pyb::tuple stats() const {
    const Stats s = e_.stats();
    return pyb::make_tuple(s.tx_pkts, s.tx_responses, s.tx_failures, s.rx_packets, s.rx_dropped);
  }
  pyb::dict link_stats() const {
    const LinkStats s = e_.link_stats();
    pyb::dict d;
    d["rx_frames"] = s.rx_frames, d["rx_malformed"] = s.rx_malformed, d["rx_not_for_us"] = s.rx_not_for_us;
    d["rx_duplicates"] = s.rx_duplicates, d["rx_encrypted"] = s.rx_encrypted, d["rx_too_long"] = s.rx_too_long;
    d["rx_mic_failures"] = s.rx_mic_failures, d["rx_replayed"] = s.rx_replayed, d["rx_old_pn"] = s.rx_old_pn;
    return d;
  }
  int fileno() { return unwrap(e_.fileno()); }
  pyb::object peers_table() const { return rx_->table(); }
  bool readable() const { return e_.readable(); }
  const ESPNow& espnow() const { return e_; }

  // ---- for aioespnow: sends reported through an eventfd
  // sync=False raises a later target's error at once, as send() does; a
  // sync send gets it with its report (async_completions).
  // (id, None) once started; (None, seconds) when NO_MEM is to be tried
  // again that much later, under the 2 s rule begun at `since_ns` (async_clock_ns()).
  pyb::tuple async_start(pyb::handle mac_obj, pyb::handle msg_obj, bool sync, std::int64_t since_ns) {
    const std::optional<MacAddress> mac = optional_mac_arg(mac_obj);
    ByteView view(msg_obj, true);
    const auto msg = message_arg(view, msg_obj).bytes();
    std::uint64_t id = 0;
    std::error_code later;
    AsyncSender& sender = device_->sender();
    auto started = sender.start(mac ? &*mac : nullptr, msg, id, later);
    if (const auto retry_in = sender.no_mem_retry_in(std::chrono::nanoseconds(since_ns), started.error()))
      return pyb::make_tuple(pyb::none(), std::chrono::duration<double>(*retry_in).count());
    check(started);
    if (later && !sync) raise_error(later);
    return pyb::make_tuple(id, pyb::none());
  }
  std::int64_t async_clock_ns() { return device_->sender().now().count(); }
  // The 100 ms rule for asend(sync=True) begun at `since_ns` (async_clock_ns()):
  // None once no earlier send owes a report, else the seconds to wait before
  // asking again; OSError(ETIMEDOUT) once the 100 ms are over.
  pyb::object async_outstanding(std::int64_t since_ns) {
    const auto wait = unwrap(device_->sender().outstanding_wait_in(std::chrono::nanoseconds(since_ns)));
    if (!wait) return pyb::none();
    return pyb::float_(std::chrono::duration<double>(*wait).count());
  }
  // [(id, acknowledged, exception or None)]: the exception send() would raise.
  pyb::list async_completions() {
    pyb::list out;
    for (const AsyncSender::Completion& c : device_->sender().take_completions())
      out.append(pyb::make_tuple(c.id, c.ok, c.error ? error_object(c.error) : pyb::none()));
    return out;
  }
  int async_fileno() { return device_->sender().fileno(); }
  std::size_t async_in_flight() { return device_->sender().in_flight(); }

 private:
  // A receive of any form; the GIL is released unless it cannot wait. A
  // signal ends a wait without taking a message.
  std::size_t receive(std::span<std::uint8_t> space, MessageView& meta, std::optional<std::int64_t> timeout) {
    Result<std::size_t> r = std::size_t{0};
    if (timeout && *timeout == 0) {
      r = e_.recvinto(space, &meta, timeout);
    } else {
      const Interrupt* interrupt = on_signal();
      r = without_gil([&] { return e_.recvinto(space, &meta, timeout, interrupt); });
      raise_if_interrupted(r);
    }
    if (r.error() == std::errc::message_size)
      raise_arg_error(ArgError::buffer_too_small, "the buffer is too small for the message (it stays buffered)");
    return unwrap(r);
  }

  std::shared_ptr<PyDevice> device_;
  ESPNow& e_;
  std::shared_ptr<RxState> rx_;
};

namespace {

// The receive calls are the hot path of a Python receive loop: they are
// plain CPython fast-call methods, because pybind11's general dispatcher
// costs several times what the receive itself does.
PyESPNow* self_of(PyObject* self) {
  auto* inst = reinterpret_cast<pyb::detail::instance*>(self);
  void* p = inst->simple_layout ? inst->simple_value_holder[0] : nullptr;
  if (!p || (inst->simple_layout && !inst->simple_holder_constructed)) {
    PyErr_SetString(PyExc_TypeError, "ESPNow object is not initialised");
    return nullptr;
  }
  return static_cast<PyESPNow*>(p);
}

// Positional or keyword arguments by name; returns false with TypeError set.
template <std::size_t N>
bool fast_args(const char* fn, const std::array<const char*, N>& names, std::size_t required, PyObject* const* args,
               Py_ssize_t nargs, PyObject* kwnames, std::array<PyObject*, N>& out) {
  out.fill(Py_None);
  if (static_cast<std::size_t>(nargs) > N) {
    PyErr_Format(PyExc_TypeError, "%s() takes at most %zu arguments", fn, N);
    return false;
  }
  std::size_t given = static_cast<std::size_t>(nargs);
  for (Py_ssize_t i = 0; i < nargs; ++i) out[static_cast<std::size_t>(i)] = args[i];
  const Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
  for (Py_ssize_t k = 0; k < nkw; ++k) {
    const char* name = PyUnicode_AsUTF8(PyTuple_GET_ITEM(kwnames, k));
    std::size_t i = 0;
    while (i < N && (!name || std::strcmp(name, names[i]) != 0)) ++i;
    if (i == N || i < static_cast<std::size_t>(nargs)) {
      PyErr_Format(PyExc_TypeError, "%s() got an unexpected or repeated keyword argument", fn);
      return false;
    }
    out[i] = args[nargs + k];
    ++given;
  }
  if (given < required) {
    PyErr_Format(PyExc_TypeError, "%s() missing a required argument", fn);
    return false;
  }
  return true;
}

template <class F>
PyObject* guarded(F&& f) {
  try {
    return f();
  } catch (pyb::error_already_set& e) {
    e.restore();
  } catch (pyb::builtin_exception& e) {
    e.set_error();
  } catch (const std::exception& e) {
    PyErr_SetString(PyExc_RuntimeError, e.what());
  }
  return nullptr;
}

constexpr std::array<const char*, 1> kTimeoutName = {"timeout_ms"};
constexpr std::array<const char*, 2> kRecvintoNames = {"data", "timeout_ms"};

PyObject* fast_irecv(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  PyESPNow* e = self_of(self);
  std::array<PyObject*, 1> a;
  if (!e || !fast_args("irecv", kTimeoutName, 0, args, nargs, kwnames, a)) return nullptr;
  return guarded([&] { return e->irecv(a[0]).release().ptr(); });
}

PyObject* fast_recv(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  PyESPNow* e = self_of(self);
  std::array<PyObject*, 1> a;
  if (!e || !fast_args("recv", kTimeoutName, 0, args, nargs, kwnames, a)) return nullptr;
  return guarded([&] { return e->recv(a[0]).release().ptr(); });
}

PyObject* fast_recvinto(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  PyESPNow* e = self_of(self);
  std::array<PyObject*, 2> a;
  if (!e || !fast_args("recvinto", kRecvintoNames, 1, args, nargs, kwnames, a)) return nullptr;
  return guarded([&] { return PyLong_FromSize_t(e->recvinto(a[0], a[1])); });
}

PyObject* fast_any(PyObject* self, PyObject* /*unused*/) {
  PyESPNow* e = self_of(self);
  if (!e) return nullptr;
  return guarded([&] { return PyBool_FromLong(e->any()); });
}

PyObject* fast_next(PyObject* self) {
  PyESPNow* e = self_of(self);
  if (!e) return nullptr;
  return guarded([&] { return e->irecv(Py_None).release().ptr(); });
}

PyMethodDef kFastMethods[] = {
    {"irecv", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&fast_irecv)), METH_FASTCALL | METH_KEYWORDS,
     "irecv(timeout_ms=None): [mac, bytearray] (one list, reused), or (None, None) on timeout."},
    {"recv", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&fast_recv)), METH_FASTCALL | METH_KEYWORDS,
     "recv(timeout_ms=None): a new [mac, msg] list, or (None, None) on timeout."},
    {"recvinto", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&fast_recvinto)),
     METH_FASTCALL | METH_KEYWORDS, "recvinto(data, timeout_ms=None): the message length, 0 on timeout."},
    {"any", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&fast_any)), METH_NOARGS,
     "any(): True if a message is buffered."},
};

void add_fast_methods(pyb::handle cls) {
  auto* type = reinterpret_cast<PyTypeObject*>(cls.ptr());
  for (PyMethodDef& def : kFastMethods) {
    PyObject* descr = PyDescr_NewMethod(type, &def);
    if (!descr || PyObject_SetAttrString(cls.ptr(), def.ml_name, descr) != 0) throw pyb::error_already_set();
    Py_DECREF(descr);
  }
  type->tp_iternext = &fast_next;  // `for mac, msg in e`
  PyType_Modified(type);
}

}  // namespace

void bind_espnow(pyb::module_& m) {
  pyb::class_<RxState, std::shared_ptr<RxState>>(m, "_RxState");
  const auto none = pyb::none();
  auto cls = pyb::class_<PyESPNow>(m, "ESPNowBase", pyb::dynamic_attr(), "espnow.ESPNow's methods on one device.")
      .def(pyb::init<pyb::object>(), pyb::arg("device"))
      .def("active", &PyESPNow::active, pyb::arg("flag") = none)
      .def("config", &PyESPNow::config)
      .def("add_peer", &PyESPNow::add_peer)
      .def("mod_peer", &PyESPNow::mod_peer)
      .def("get_peer", &PyESPNow::get_peer, pyb::arg("mac"))
      .def("get_peers", &PyESPNow::get_peers)
      .def("del_peer", &PyESPNow::del_peer, pyb::arg("mac"))
      .def("peer_count", &PyESPNow::peer_count)
      .def("set_pmk", &PyESPNow::set_pmk, pyb::arg("pmk"))
      .def("send", &PyESPNow::send)
      .def("irq", [](pyb::object self, pyb::object cb) { self.cast<PyESPNow&>().irq(self, std::move(cb)); },
           pyb::arg("callback"))
      .def("stats", &PyESPNow::stats)
      .def("link_stats", &PyESPNow::link_stats, "Why received frames were dropped before the buffer.")
      .def("fileno", &PyESPNow::fileno)
      .def_property_readonly("peers_table", &PyESPNow::peers_table)
      .def("__iter__", [](pyb::object self) { return self; })
      .def("__next__", [](PyESPNow& e) { return e.irecv(pyb::none()); })  // replaced by the fast slot
      .def("_readable", &PyESPNow::readable)
      .def("peers_table_evictions", [](const PyESPNow& e) { return e.espnow().peers_table_evictions(); },
           "Senders dropped from peers_table to keep it within config('peers_table_max') (not on a board).")
      .def("_async_start", &PyESPNow::async_start)
      .def("_async_clock_ns", &PyESPNow::async_clock_ns)
      .def("_async_outstanding", &PyESPNow::async_outstanding)
      .def("_async_completions", &PyESPNow::async_completions)
      .def("_async_fileno", &PyESPNow::async_fileno)
      .def("_async_in_flight", &PyESPNow::async_in_flight);
  add_fast_methods(cls);
}

}  // namespace espnow::py
