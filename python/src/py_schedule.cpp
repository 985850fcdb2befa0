#include "py_schedule.hpp"

namespace espnow::py {

namespace pyb = pybind11;

namespace {

// Runs with the GIL on the main thread; owns one reference to (fn, arg).
int run_scheduled(void* pair) {
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
        PyObject* pair = PyTuple_Pack(2, fn.ptr(), arg.ptr());
        if (!pair) throw pyb::error_already_set();
        if (Py_AddPendingCall(&run_scheduled, pair) != 0) {
          Py_DECREF(pair);
          throw std::runtime_error("schedule queue full");
        }
      },
      pyb::arg("fn"), pyb::arg("arg"));
}

}  // namespace espnow::py
