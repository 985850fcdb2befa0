// micropython.schedule(fn, arg) on CPython: runs fn(arg) "soon" on the main
// thread, between bytecodes (Py_AddPendingCall), as MicroPython's scheduler
// runs callbacks outside interrupts. A full queue raises RuntimeError, as
// MicroPython's does.
#pragma once

#include <pybind11/pybind11.h>

namespace espnow::py {

void bind_schedule(pybind11::module_& m);

}  // namespace espnow::py
