// A completion handler with its type erased, so that operations started with
// any completion token (use_awaitable, callbacks, use_future, deferred...)
// can wait in one queue. complete() never runs the handler inline: it posts
// it to the handler's associated executor, keeping that executor busy
// (work-tracked) until then.
#pragma once

#include <functional>
#include <memory>
#include <type_traits>
#include <utility>

#include <asio/any_io_executor.hpp>
#include <asio/associated_cancellation_slot.hpp>
#include <asio/associated_executor.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/post.hpp>

namespace espnow::detail {

template <class... Args>
class ErasedHandler {
 public:
  ErasedHandler() = default;

  template <class Handler>
  ErasedHandler(Handler&& handler, const asio::any_io_executor& fallback)
      : slot_(asio::get_associated_cancellation_slot(handler)),
        impl_(std::make_unique<Model<std::decay_t<Handler>>>(std::forward<Handler>(handler), fallback)) {}

  explicit operator bool() const noexcept { return impl_ != nullptr; }
  asio::cancellation_slot& slot() noexcept { return slot_; }

  // Posts the handler with `args`; `then` runs right after it, on the same executor.
  void complete(std::function<void()> then, Args... args) {
    if (slot_.is_connected()) slot_.clear();
    auto impl = std::move(impl_);
    impl->post(std::move(then), std::move(args)...);
  }
  void complete(Args... args) { complete(std::function<void()>{}, std::move(args)...); }

 private:
  struct Base {
    virtual ~Base() = default;
    virtual void post(std::function<void()> then, Args... args) = 0;
  };

  template <class Handler>
  struct Model final : Base {
    Model(Handler h, const asio::any_io_executor& fallback)
        : work(asio::make_work_guard(asio::get_associated_executor(h, fallback))), handler(std::move(h)) {}

    void post(std::function<void()> then, Args... args) override {
      auto executor = work.get_executor();
      asio::post(executor, [h = std::move(handler), then = std::move(then), ... a = std::move(args)]() mutable {
        std::move(h)(std::move(a)...);
        if (then) then();
      });
      work.reset();
    }

    asio::executor_work_guard<asio::associated_executor_t<Handler, asio::any_io_executor>> work;
    Handler handler;
  };

  asio::cancellation_slot slot_;
  std::unique_ptr<Base> impl_;
};

}  // namespace espnow::detail
