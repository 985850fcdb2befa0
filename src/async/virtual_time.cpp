#include "espnow/async/virtual_time.hpp"

#include <cstdio>
#include <cstdlib>
#include <exception>

#include <asio/co_spawn.hpp>
#include <asio/detail/chrono_time_traits.hpp>
#include <asio/detail/deadline_timer_service.hpp>
#include <asio/error.hpp>
#include <asio/post.hpp>
#include <asio/execution/context.hpp>
#include <asio/query.hpp>
#include <asio/wait_traits.hpp>

#include "espnow/async/run_on_clock.hpp"

namespace espnow {

asio::execution_context::id VirtualTime::id;

VirtualTime::VirtualTime(asio::execution_context& context, Clock& clock)
    : asio::execution_context::service(context), clock_(clock) {}

std::uint64_t VirtualTime::schedule(std::chrono::nanoseconds deadline, Handler handler,
                                    const asio::any_io_executor& executor) {
  std::lock_guard lk(mutex_);
  const std::uint64_t wait = next_id_++;
  auto& slot = handler.slot();
  // A cancellation must not complete inline (that would clear the slot from
  // inside its own handler): it is posted.
  if (slot.is_connected())
    slot.assign([this, wait, executor](asio::cancellation_type) { asio::post(executor, [this, wait] { cancel(wait); }); });
  waits_.emplace(std::make_pair(deadline, wait), std::move(handler));
  return wait;
}

bool VirtualTime::pending(std::uint64_t wait) const {
  std::lock_guard lk(mutex_);
  for (const auto& entry : waits_)
    if (entry.first.second == wait) return true;
  return false;
}

bool VirtualTime::cancel(std::uint64_t wait) {
  Handler handler;
  {
    std::lock_guard lk(mutex_);
    for (auto it = waits_.begin(); it != waits_.end(); ++it)
      if (it->first.second == wait) {
        handler = std::move(it->second);
        waits_.erase(it);
        break;
      }
  }
  if (!handler) return false;
  handler.complete(asio::error::operation_aborted);
  return true;
}

void VirtualTime::fire_due() {
  const auto now = clock_.now();
  for (;;) {
    Handler handler;
    {
      std::lock_guard lk(mutex_);
      if (waits_.empty() || waits_.begin()->first.first > now) return;
      handler = std::move(waits_.begin()->second);
      waits_.erase(waits_.begin());
    }
    handler.complete(std::error_code{});
  }
}

std::optional<std::chrono::nanoseconds> VirtualTime::next_deadline() const {
  std::lock_guard lk(mutex_);
  if (waits_.empty()) return std::nullopt;
  return waits_.begin()->first.first;
}

void VirtualTime::wake() {
  {
    std::lock_guard lk(mutex_);
    woken_ = true;
  }
  clock_.notify(cv_);
}

void VirtualTime::wait(std::optional<std::chrono::nanoseconds> deadline) {
  std::unique_lock lk(mutex_);
  if (!woken_) clock_.wait(lk, cv_, deadline);
  woken_ = false;
}

VirtualTime* VirtualTime::of(const asio::any_io_executor& executor) {
  auto& context = asio::query(executor, asio::execution::context);
  return asio::has_service<VirtualTime>(context) ? &asio::use_service<VirtualTime>(context) : nullptr;
}

void VirtualTime::shutdown() {
  std::map<std::pair<std::chrono::nanoseconds, std::uint64_t>, Handler> waits;
  {
    std::lock_guard lk(mutex_);
    waits.swap(waits_);
  }
}  // the handlers are destroyed, never run, as Asio's own at shutdown

namespace {

template <class ClockType>
using WallTimerService =
    asio::detail::deadline_timer_service<asio::detail::chrono_time_traits<ClockType, asio::wait_traits<ClockType>>>;

// A wall-clock timer on `io` would fire on the wall clock, which nothing here
// watches: the program would wait for ever, or until something else woke it.
void check_no_wall_timers(asio::io_context& io) {
  if (!asio::has_service<WallTimerService<std::chrono::steady_clock>>(io) &&
      !asio::has_service<WallTimerService<std::chrono::system_clock>>(io))
    return;
  std::fprintf(stderr,
               "espnow: a program running on virtual time made an asio::steady_timer or system_timer, which waits "
               "on the wall clock the simulation cannot see: use espnow::Timer (espnow/async/timer.hpp), which "
               "waits on the program's clock\n");
  std::abort();
}

}  // namespace

void run_on_clock(asio::io_context& io, Clock& clock, const std::function<bool()>& done) {
  VirtualTime& time =
      asio::has_service<VirtualTime>(io) ? asio::use_service<VirtualTime>(io) : asio::make_service<VirtualTime>(io, clock);
  for (;;) {
    time.fire_due();
    io.restart();
    io.poll();
    check_no_wall_timers(io);
    if (done()) return;
    const auto next = time.next_deadline();
    if (next && *next <= clock.now()) continue;
    time.wait(next);
  }
}

void run_async_program(ESPNow& espnow, const AsyncProgram& program) {
  asio::io_context io;
  asio::make_service<VirtualTime>(io, espnow.clock());
  std::exception_ptr failure;
  bool done = false;
  {
    AIOESPNow aio(espnow, io.get_executor());
    asio::co_spawn(io, program(aio), [&](std::exception_ptr e) {
      failure = e;
      done = true;
    });
    run_on_clock(io, espnow.clock(), [&] { return done; });
  }
  if (failure) std::rethrow_exception(failure);
}

}  // namespace espnow
