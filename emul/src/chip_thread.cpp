#include "chip_thread.hpp"

#include "chip_state.hpp"
#include "freertos_kernel.hpp"

namespace espnow::emul::detail {

void ChipThread::start(Clock& clock, std::string name, std::function<void()> body, unsigned priority) {
  auto state = state_ = std::make_shared<State>(clock);
  // Destroyed with the body, whether it ran, returned or was unwound.
  std::shared_ptr<void> on_end(nullptr, [state](void*) {
    {
      std::lock_guard lk(state->mutex);
      state->ended = true;
    }
    state->clock.notify(state->ended_cv);
  });
  std::function<void()> run = [state, on_end, name, priority, body = std::move(body)] {
    {
      std::lock_guard lk(state->mutex);
      state->id = std::this_thread::get_id();
    }
    rtos::name_this_thread(name, priority);
    body();
  };
  if (clock.start_thread(std::move(name), run)) return;
  own_ = std::thread(std::move(run));
  own_started_ = true;
}

void ChipThread::join() {
  if (!state_) return;
  if (own_.joinable()) {
    if (own_.get_id() == std::this_thread::get_id()) own_.detach();
    else own_.join();
    return;
  }
  if (own_started_) return;  // joined or detached before
  std::unique_lock lk(state_->mutex);
  if (state_->id == std::this_thread::get_id()) return;
  while (!state_->ended) state_->clock.wait(lk, state_->ended_cv, std::nullopt);
}

bool ChipThread::on_thread() const {
  if (!state_) return false;
  std::lock_guard lk(state_->mutex);
  return state_->id == std::this_thread::get_id();
}

std::chrono::nanoseconds start_of(Clock& clock) {
  if (&clock == &steady_clock()) return process_start().time_since_epoch();
  // The chip's power-on or reset: one that reboots in a simulation
  // (sim_chip_power.hpp) counts its ticks from its new boot, as a chip does.
  if (EmulatedChip* chip = selected_chip_or_null(); chip && &chip->state().clock == &clock)
    return chip->state().services.boot;
  return std::chrono::nanoseconds(0);
}

}  // namespace espnow::emul::detail
