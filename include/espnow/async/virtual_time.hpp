// VirtualTime: the time of an io_context whose handlers run on an
// espnow::Clock that schedules its waiters (a Simulation's), instead of on the
// wall clock. run_on_clock() installs it and drives the io_context; Timer
// (and AIOESPNow's own timers, the 100 ms and 2 s rules) find it through
// their executor and wait on the clock's time. An io_context without it runs
// on the wall clock as usual.
//
// It is an Asio service of the io_context: one per context, found with
// asio::has_service / use_service.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <system_error>

#include <asio/any_io_executor.hpp>
#include <asio/execution_context.hpp>

#include "espnow/async/detail/erased_handler.hpp"
#include "espnow/common/clock.hpp"

namespace espnow {

class VirtualTime final : public asio::execution_context::service {
 public:
  using key_type = VirtualTime;
  using Handler = detail::ErasedHandler<std::error_code>;
  static asio::execution_context::id id;

  VirtualTime(asio::execution_context& context, Clock& clock);
  // On the process's steady clock (what asio::use_service makes).
  explicit VirtualTime(asio::execution_context& context) : VirtualTime(context, steady_clock()) {}

  Clock& clock() const { return clock_; }

  // A wait until `deadline` on the clock: the handler is posted with no
  // error once the driver sees the time reached, or with operation_aborted
  // by cancel(). Returns the wait's id.
  // A cancellation through the handler's slot is posted to `executor`.
  std::uint64_t schedule(std::chrono::nanoseconds deadline, Handler handler, const asio::any_io_executor& executor);
  // false when the wait is over already.
  bool cancel(std::uint64_t wait);
  bool pending(std::uint64_t wait) const;

  // For the driver (run_on_clock): posts the handlers of the waits due;
  // the earliest deadline still pending.
  void fire_due();
  std::optional<std::chrono::nanoseconds> next_deadline() const;

  // Work was posted to the io_context from outside its thread (a message
  // arrived, a send reported): the driver wakes up to run it.
  void wake();
  // The driver waits through the clock until woken or `deadline`.
  void wait(std::optional<std::chrono::nanoseconds> deadline);

  // The VirtualTime of `executor`'s context, or null (the wall clock).
  static VirtualTime* of(const asio::any_io_executor& executor);

 private:
  void shutdown() override;

  Clock& clock_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  bool woken_ = false;
  std::uint64_t next_id_ = 1;
  // By (deadline, id): due waits fire in deadline order, ties in order of scheduling.
  std::map<std::pair<std::chrono::nanoseconds, std::uint64_t>, Handler> waits_;
};

}  // namespace espnow
