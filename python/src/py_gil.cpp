#include "py_gil.hpp"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace espnow::py {

namespace {

struct Gate {
  std::mutex mutex;
  std::condition_variable none_returning;
  int returning = 0;  // passed the gate, taking the GIL back
  bool closed = false;
  std::thread::id closer;  // the thread that finalizes: it never parks
};

Gate& gate() {
  static Gate* g = new Gate;  // never destroyed: parked threads outlive static destruction
  return *g;
}

thread_local bool t_library_thread = false;

[[noreturn]] void park() {
  for (;;) std::this_thread::sleep_for(std::chrono::hours(1));
}

}  // namespace

namespace detail {

PyThreadState* release_gil() { return PyEval_SaveThread(); }

void take_back_gil(PyThreadState* saved) {
  Gate& g = gate();
  {
    std::unique_lock lk(g.mutex);
    if (g.closed && !t_library_thread && std::this_thread::get_id() != g.closer) {
      lk.unlock();
      park();
    }
    ++g.returning;
  }
  PyEval_RestoreThread(saved);
  std::lock_guard lk(g.mutex);
  if (--g.returning == 0) g.none_returning.notify_all();
}

}  // namespace detail

void mark_library_thread() { t_library_thread = true; }

void close_gil_gate() {
  Gate& g = gate();
  {
    std::lock_guard lk(g.mutex);
    g.closed = true;
    g.closer = std::this_thread::get_id();
  }
  // The threads already past the gate need the GIL: give it to them.
  PyThreadState* saved = PyEval_SaveThread();
  {
    std::unique_lock lk(g.mutex);
    g.none_returning.wait(lk, [&] { return g.returning == 0; });
  }
  PyEval_RestoreThread(saved);
}

}  // namespace espnow::py
