// Timer: asio::steady_timer's everyday surface (expires_after, async_wait with
// any completion token, cancel, per-operation cancellation) on the time of
// its executor. On an ordinary io_context that is the wall clock, through a
// steady_timer; on an io_context run by run_on_clock() (every async device
// of a Simulation) it is the clock's, virtual time. Code meant to run both on
// a board's clock and in a simulation waits on this timer:
//
//   espnow::Timer t(co_await asio::this_coro::executor);
//   t.expires_after(std::chrono::seconds(10));
//   co_await t.async_wait(asio::use_awaitable);
//
// (An asio::steady_timer made in a simulated device's io_context would wait on
// the wall clock, which the simulation cannot see: the simulation reports it.)
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <system_error>
#include <vector>

#include <asio/any_io_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/steady_timer.hpp>

#include "espnow/async/virtual_time.hpp"

namespace espnow {

class Timer {
 public:
  using executor_type = asio::any_io_executor;

  explicit Timer(executor_type executor);
  Timer(executor_type executor, std::chrono::nanoseconds after);
  // Pending waits complete with operation_aborted.
  ~Timer();
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;

  executor_type get_executor() const { return executor_; }
  // Sets the expiry `d` from now and cancels pending waits; returns how many.
  std::size_t expires_after(std::chrono::nanoseconds d);
  // Pending waits complete with operation_aborted; returns how many.
  std::size_t cancel();
  // True when this timer runs on virtual time.
  bool is_virtual() const { return virtual_ != nullptr; }

  // Completion signature void(std::error_code): none at the expiry,
  // operation_aborted when cancelled.
  template <class Token>
  auto async_wait(Token&& token) {
    return asio::async_initiate<Token, void(std::error_code)>(Initiation{this}, token);
  }

 private:
  struct Initiation {
    Timer* self;
    template <class Handler>
    void operator()(Handler&& handler) const {
      if (self->wall_) return self->wall_->async_wait(std::forward<Handler>(handler));
      self->wait_virtual(VirtualTime::Handler(std::forward<Handler>(handler), self->executor_));
    }
  };
  void wait_virtual(VirtualTime::Handler handler);

  executor_type executor_;
  VirtualTime* virtual_;
  std::optional<asio::steady_timer> wall_;  // when not virtual
  std::chrono::nanoseconds expiry_{};       // on the virtual clock
  std::vector<std::uint64_t> waits_;        // virtual waits started (some may be over)
};

}  // namespace espnow
