// ESPNow's irq dispatcher: runs the irq callback on a thread of its own, once
// per buffered message, never inside the radio's delivery. On a clock that
// schedules (a Simulation's), each call is posted to the clock instead, with
// no thread of its own: it runs on the device's program, within its waits.
//
// Its state is shared with that thread, so a callback may drop the last
// reference to the very ESPNow it serves (a Python ESPNow object whose last
// owner was its own callback, say). The thread then learns it is to stop,
// lets itself go, and touches nothing of the ESPNow again.
#pragma once

#include <functional>
#include <memory>
#include <thread>

#include "espnow/common/clock.hpp"

namespace espnow {
class ESPNow;
}

namespace espnow::detail {

class IrqDispatcher {
 public:
  using Callback = std::function<void(ESPNow&)>;

  IrqDispatcher(ESPNow& owner, Clock& clock);
  ~IrqDispatcher();
  IrqDispatcher(const IrqDispatcher&) = delete;
  IrqDispatcher& operator=(const IrqDispatcher&) = delete;

  // An empty callback removes it and forgets the calls still owed. The old
  // callback is released outside the lock (it may take other locks, the GIL).
  void set(Callback callback) { (void)replace(std::move(callback)); }
  // As set(), but hands the old callback to the caller, who releases it
  // once it holds none of its own locks either.
  [[nodiscard]] std::shared_ptr<const Callback> replace(Callback callback);
  // One more message is buffered: one more call, if a callback is set.
  void notify();
  // Returns once every call owed so far has been made and has returned (at
  // once on the dispatcher's own thread, inside a callback).
  void wait_idle();
  // No call starts after this. Joins the thread, or, when called from a
  // callback, leaves the thread to end by itself.
  void stop();

 private:
  struct State;
  static void run(std::shared_ptr<State> state, ESPNow* owner);

  void post_call();  // one call, through the clock

  ESPNow& owner_;
  Clock& clock_;
  std::shared_ptr<State> state_;
  std::thread thread_;
};

}  // namespace espnow::detail
