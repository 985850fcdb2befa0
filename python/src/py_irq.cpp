#include "py_irq.hpp"

#include "py_gil.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <utility>
#include <vector>

namespace espnow::py {

namespace pyb = pybind11;

namespace {

// Who is inside (and on which Python threads the calls run); closed for good at exit.
class Gate {
 public:
  bool enter() {
    std::lock_guard lk(mutex_);
    if (closed_) return false;
    ++inside_;
    return true;
  }
  void leave() {
    std::lock_guard lk(mutex_);
    if (--inside_ == 0) empty_.notify_all();
  }
  void close() {
    std::lock_guard lk(mutex_);
    closed_ = true;
  }
  void end_callbacks() {
    std::lock_guard lk(mutex_);
    ending_ = true;
  }
  bool ending() {
    std::lock_guard lk(mutex_);
    return ending_;
  }
  bool closed() {
    std::lock_guard lk(mutex_);
    return closed_;
  }
  // True once no one is inside, false if `timeout` passed first.
  bool wait_empty(std::chrono::milliseconds timeout) {
    std::unique_lock lk(mutex_);
    return empty_.wait_for(lk, timeout, [this] { return inside_ == 0; });
  }

  void calling(unsigned long thread) {
    std::lock_guard lk(mutex_);
    calling_.push_back(thread);
  }
  void called(unsigned long thread) {
    std::lock_guard lk(mutex_);
    calling_.erase(std::find(calling_.begin(), calling_.end(), thread));
  }
  std::vector<unsigned long> calling() {
    std::lock_guard lk(mutex_);
    return calling_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable empty_;
  int inside_ = 0;
  bool closed_ = false;
  bool ending_ = false;  // the running callbacks were given SystemExit
  std::vector<unsigned long> calling_;  // the threads running a callback's Python
};

Gate& gate() {
  static Gate* g = new Gate;  // never destroyed: dispatcher threads may outlive static destruction
  return *g;
}

// Leaves the gate when it goes: declared before the GIL's guard, it goes after it.
struct Inside {
  ~Inside() { gate().leave(); }
};

// How long the exit waits for a running callback to return by itself before
// it raises SystemExit in it.
constexpr std::chrono::milliseconds kGrace{1000};
constexpr std::chrono::milliseconds kSlice{50};

// SystemExit in every running callback, at its next step (one blocked in C
// gets it when that call returns; an ESPNow wait asks irq_callback_ended_by_exit).
void end_running_callbacks() {
  gate().end_callbacks();
  for (const unsigned long thread : gate().calling()) (void)PyThreadState_SetAsyncExc(thread, PyExc_SystemExit);
}

thread_local bool calling_back = false;  // this thread runs a callback's Python

}  // namespace

void PyIrq::operator()() const {
  if (!gate().enter()) return;
  const Inside inside;
  pyb::gil_scoped_acquire gil;
  mark_library_thread();  // the dispatcher's: ESPNow joins it
  const unsigned long thread = PyThread_get_thread_ident();
  gate().calling(thread);
  const bool outer = std::exchange(calling_back, true);
  PyObject* r = PyObject_CallOneArg(fn_.ptr(), self_.ptr());
  calling_back = outer;
  gate().called(thread);
  if (r) {
    Py_DECREF(r);
  } else if (gate().closed() && PyErr_ExceptionMatches(PyExc_SystemExit)) {
    PyErr_Clear();  // ended by the exit (close_irq_gate), not by a fault of its own
  } else {
    pyb::error_already_set error;  // taken: the import below wants none set
    // A simulation unwinding the program it runs on (ending, or cutting its
    // device's power) ends the callback with it, silently.
    if (error.matches(pyb::module_::import("_espnow").attr("SimulationExit"))) return;
    error.restore();
    PyErr_WriteUnraisable(fn_.ptr());  // as a board prints an exception in a scheduled callback
  }
}

PyIrq::~PyIrq() {
  if (!gate().enter()) {
    // After the gate closed, this thread may not take the GIL: the objects
    // are let go unreleased (the process is ending).
    (void)fn_.release();
    (void)self_.release();
    return;
  }
  const Inside inside;
  pyb::gil_scoped_acquire gil;
  fn_ = pyb::object();
  self_ = pyb::object();
}

bool in_irq_callback() { return calling_back; }

bool irq_callback_ended_by_exit() {
  if (!calling_back || !gate().ending()) return false;
  pyb::gil_scoped_acquire gil;
  PyErr_SetNone(PyExc_SystemExit);
  return true;
}

void close_irq_gate() {
  gate().close();
  const auto grace_end = std::chrono::steady_clock::now() + kGrace;
  bool ended = false;  // SystemExit raised in the running callbacks
  for (;;) {
    {
      pyb::gil_scoped_release nogil;
      if (gate().wait_empty(kSlice)) return;
    }
    if (PyErr_CheckSignals() != 0) {
      if (ended) throw pyb::error_already_set();  // a second Ctrl-C: the exit waits no more
      PyErr_Clear();  // a Ctrl-C: the callbacks end now
    } else if (ended || std::chrono::steady_clock::now() < grace_end) {
      continue;
    }
    end_running_callbacks();
    ended = true;
  }
}

}  // namespace espnow::py
