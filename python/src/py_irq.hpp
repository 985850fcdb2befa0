// irq()'s callback, called on ESPNow's dispatcher thread, and the
// interpreter's end.
//
// Once CPython has begun to finalize, a thread that takes the GIL is ended
// where it stands (pthread_exit), and the unwinding through our C++ frames
// crashed the process or aborted it: a script whose last line ran while its
// irq callback was still running (sleeping, printing) died at exit. So every
// call, and every release of a callback, passes a process-wide gate. At exit
// (atexit: after the non-daemon threads are joined, while the interpreter is
// whole) the gate closes and waits for what is inside to return: a second
// for a running callback to end by itself, then it gets SystemExit (a
// callback that never returns, one draining a queue that a busy sender keeps
// full, would hold the exit for ever). After that a call does nothing, and a
// callback is let go without touching Python.
#pragma once

#include <pybind11/pybind11.h>

namespace espnow::py {

class PyIrq {
 public:
  PyIrq(pybind11::object fn, pybind11::object self) : fn_(std::move(fn)), self_(std::move(self)) {}
  ~PyIrq();
  PyIrq(const PyIrq&) = delete;
  PyIrq& operator=(const PyIrq&) = delete;

  // Calls fn(self) with the GIL; what it raises is reported as unraisable, as
  // an exception in a board's scheduled callback is printed. Nothing once the
  // gate is closed.
  void operator()() const;

 private:
  pybind11::object fn_;
  pybind11::object self_;
};

// Closes the gate and waits (without the GIL) until no call or release is
// inside it, ending a callback still running after a second (or at a
// Ctrl-C) with SystemExit, which is not reported. Called with the GIL, at
// exit. A second Ctrl-C ends the wait: its KeyboardInterrupt is raised, and
// a callback still running may then crash the exit as before.
void close_irq_gate();

// This thread runs an irq callback's Python, and the exit has given it
// SystemExit: a blocking receive or sync send it is in ends (with SystemExit
// set, under the GIL) rather than hold the exit for its whole timeout.
// Asked between a wait's slices (py_espnow.cpp's on_signal), without the GIL.
bool irq_callback_ended_by_exit();
// This thread runs an irq callback's Python.
bool in_irq_callback();

}  // namespace espnow::py
