// Calls that wait without the GIL, and the interpreter's end.
//
// CPython 3.11 ends a thread that takes the GIL once the interpreter is
// finalizing (pthread_exit). A daemon thread (a MicroPython script's
// `_thread`, say) blocked in recv() or send() when the script ended took the
// GIL back in pybind11's gil_scoped_release destructor, and pthread_exit's
// unwinding out of a destructor aborted the process ("terminate called
// without an active exception"). So the GIL is taken back here in plain
// code, past a gate: at exit (atexit, before finalizing) the gate closes,
// lets the threads already on their way back take the GIL, and from then on
// a thread of the script's own coming back from a wait parks for good
// instead (as CPython 3.14 parks such threads itself); the process ends
// around it. The main thread never parks, nor a thread the library joins (a
// simulation's program, an irq dispatcher): those take the GIL as before.
#pragma once

#include <pybind11/pybind11.h>

#include <cxxabi.h>

#include <type_traits>

namespace espnow::py {

namespace detail {
PyThreadState* release_gil();
void take_back_gil(PyThreadState* saved);  // parks for good once the gate is closed
}  // namespace detail

// This thread is the library's, joined by it (see above): it never parks.
void mark_library_thread();

// call() without the GIL. Another thread may hold one of ESPNow's locks
// while it waits for the GIL (active(False) stopping an irq callback that is
// running Python), so every call that takes those locks, or waits, is made so.
// A C++ exception from call() (a simulation unwinding its program) takes the
// GIL back on its way, as pybind11 translates it with the GIL.
template <class Call>
auto without_gil(Call&& call) {
  PyThreadState* saved = detail::release_gil();
  const auto made = [&]() -> decltype(call()) {
    try {
      return call();
    } catch (abi::__forced_unwind&) {
      throw;  // this thread is being ended: it must not take the GIL
    } catch (...) {
      detail::take_back_gil(saved);
      throw;
    }
  };
  if constexpr (std::is_void_v<decltype(call())>) {
    made();
    detail::take_back_gil(saved);
  } else {
    auto result = made();
    detail::take_back_gil(saved);
    return result;
  }
}

// Closes the gate (with the GIL, at exit): returns once every thread that
// had passed it holds the GIL or has given it back.
void close_gil_gate();

}  // namespace espnow::py
