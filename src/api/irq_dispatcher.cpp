#include "irq_dispatcher.hpp"

#include <condition_variable>
#include <cstdint>
#include <mutex>

#include "espnow/common/library_thread.hpp"

namespace espnow::detail {

struct IrqDispatcher::State {
  std::mutex mutex;
  std::condition_variable cv;
  std::condition_variable idle;  // signalled when no call is running nor owed
  std::shared_ptr<const Callback> callback;
  std::uint64_t pending = 0;
  bool posting = false;  // calls go through the clock, with no thread
  bool running = false;
  bool stop = false;
  bool is_idle() const { return stop || (!running && pending == 0); }
};

IrqDispatcher::IrqDispatcher(ESPNow& owner, Clock& clock)
    : owner_(owner), clock_(clock), state_(std::make_shared<State>()) {
  std::function<void()> probe = [] {};
  state_->posting = clock_.post(probe);  // a clock that schedules takes the calls: no thread
}

IrqDispatcher::~IrqDispatcher() { stop(); }

std::shared_ptr<const IrqDispatcher::Callback> IrqDispatcher::replace(Callback callback) {
  std::lock_guard lk(state_->mutex);
  std::shared_ptr<const Callback> old = std::move(state_->callback);
  if (!callback) {
    state_->pending = 0;
    clock_.notify(state_->idle);
    return old;
  }
  state_->callback = std::make_shared<const Callback>(std::move(callback));
  if (!thread_.joinable() && !state_->stop && !state_->posting) thread_ = start_library_thread([state = state_, owner = &owner_] { run(state, owner); });
  return old;
}

void IrqDispatcher::notify() {
  {
    std::lock_guard lk(state_->mutex);
    if (!state_->callback) return;
    ++state_->pending;
  }
  if (state_->posting) return post_call();
  state_->cv.notify_one();
}

// The posted call holds the shared state, not the owner: it finds the
// callback removed (and the owner perhaps gone) when stop() came first.
void IrqDispatcher::post_call() {
  std::function<void()> call = [state = state_, owner = &owner_, clock = &clock_] {
    std::shared_ptr<const Callback> callback;
    {
      std::lock_guard lk(state->mutex);
      if (state->stop || !state->callback || state->pending == 0) return;
      --state->pending;
      state->running = true;
      callback = state->callback;
    }
    // Done when it returns or is unwound (a simulation ending the program it runs in).
    struct Done {
      State& state;
      Clock& clock;
      ~Done() {
        {
          std::lock_guard lk(state.mutex);
          state.running = false;
        }
        clock.notify(state.idle);
      }
    } done{*state, *clock};
    (*callback)(*owner);
  };
  (void)clock_.post(call);
}

void IrqDispatcher::stop() {
  std::shared_ptr<const Callback> old;
  {
    std::lock_guard lk(state_->mutex);
    state_->stop = true;
    old = std::move(state_->callback);
  }
  state_->cv.notify_all();
  clock_.notify(state_->idle);
  if (!thread_.joinable()) return;
  if (thread_.get_id() == std::this_thread::get_id()) {
    thread_.detach();  // a callback is ending its ESPNow: run() returns once it is back
  } else {
    thread_.join();
  }
}

void IrqDispatcher::wait_idle() {
  if (thread_.joinable() && thread_.get_id() == std::this_thread::get_id()) return;
  std::unique_lock lk(state_->mutex);
  if (state_->running && state_->posting) return;  // inside a posted call
  while (!state_->is_idle()) clock_.wait(lk, state_->idle, std::nullopt);
}

void IrqDispatcher::run(std::shared_ptr<State> s, ESPNow* owner) {
  std::unique_lock lk(s->mutex);
  for (;;) {
    s->cv.wait(lk, [&] { return s->stop || (s->pending > 0 && s->callback); });
    if (s->stop) return;
    --s->pending;
    s->running = true;
    auto callback = s->callback;  // shared_ptr copy: no allocation
    lk.unlock();
    (*callback)(*owner);
    // This may be the callback's last reference and end the owner: from here
    // on only the shared state is touched.
    callback.reset();
    lk.lock();
    s->running = false;
    if (s->is_idle()) s->idle.notify_all();
  }
}

}  // namespace espnow::detail
