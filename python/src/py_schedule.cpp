#include "py_schedule.hpp"

namespace espnow::py {

namespace pyb = pybind11;

namespace {

// A board's queue holds 8 callbacks (MICROPY_SCHEDULER_DEPTH); CPython's
// pending calls, 32. A script that schedules from a burst of irq calls must
// meet "schedule queue full" here where it would on the board.
constexpr int kDepth = 8;
int queued = 0;  // under the GIL

// Runs with the GIL on the main thread; owns one reference to (fn, arg).
int run_scheduled(void* pair) {
  --queued;  // its slot is free once it is taken out, as mp_sched_run_pending does
  PyObject* p = static_cast<PyObject*>(pair);
  PyObject* r = PyObject_CallOneArg(PyTuple_GET_ITEM(p, 0), PyTuple_GET_ITEM(p, 1));
  Py_DECREF(p);
  if (!r) return -1;  // the exception surfaces in the main thread, as in MicroPython
  Py_DECREF(r);
  return 0;
}

}  // namespace

void bind_schedule(pyb::module_& m) {
  m.def(
      "schedule",
      [](pyb::object fn, pyb::object arg) {
        if (!PyCallable_Check(fn.ptr())) throw pyb::type_error("schedule(): fn is not callable");
        if (queued >= kDepth) throw std::runtime_error("schedule queue full");
        PyObject* pair = PyTuple_Pack(2, fn.ptr(), arg.ptr());
        if (!pair) throw pyb::error_already_set();
        if (Py_AddPendingCall(&run_scheduled, pair) != 0) {
          Py_DECREF(pair);
          throw std::runtime_error("schedule queue full");
        }
        ++queued;
      },
      pyb::arg("fn"), pyb::arg("arg"));
}

}  // namespace espnow::py
