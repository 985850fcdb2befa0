#include "py_irq.hpp"

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace espnow::py {

namespace pyb = pybind11;

namespace {

// Counts who is inside; closed for good at exit.
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
  // True once no one is inside, false if `timeout` passed first.
  bool wait_empty(std::chrono::milliseconds timeout) {
    std::unique_lock lk(mutex_);
    return empty_.wait_for(lk, timeout, [this] { return inside_ == 0; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable empty_;
  int inside_ = 0;
  bool closed_ = false;
};

Gate& gate() {
  static Gate* g = new Gate;  // never destroyed: dispatcher threads may outlive static destruction
  return *g;
}

// Leaves the gate when it goes: declared before the GIL's guard, it goes after it.
struct Inside {
  ~Inside() { gate().leave(); }
};

}  // namespace

void PyIrq::operator()() const {
  if (!gate().enter()) return;
  const Inside inside;
  pyb::gil_scoped_acquire gil;
  if (PyObject* r = PyObject_CallOneArg(fn_.ptr(), self_.ptr())) {
    Py_DECREF(r);
  } else {
    PyErr_WriteUnraisable(fn_.ptr());
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

void close_irq_gate() {
  gate().close();
  for (;;) {
    {
      pyb::gil_scoped_release nogil;
      if (gate().wait_empty(std::chrono::milliseconds(100))) return;
    }
    if (PyErr_CheckSignals() != 0) throw pyb::error_already_set();
  }
}

}  // namespace espnow::py
