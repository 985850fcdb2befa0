// AIOESPNow: the seeds' aioespnow (asend, arecv, airecv, async for) on Asio,
// for C++20 coroutines and every other Asio completion token.
//
//   asio::io_context io;
//   AIOESPNow e(device.espnow(), io.get_executor());
//   e->active(true);                                   // everything ESPNow does, through ->
//   bool ok = co_await e.async_send(peer, msg, true, asio::use_awaitable);
//   for (;;) {                                         // async for mac, msg in e:
//     auto [mac, msg] = co_await e.anext();
//     ...
//   }
//
// Nothing here blocks the executor: sync sends complete when the radio's
// reports arrive, receives when a message is buffered. As ESPNow::send, a
// sync send first waits (on a timer, timed on the ESPNow's clock) up to
// 100 ms for the reports earlier sends still owe, then completes with
// std::errc::timed_out (ETIMEDOUT); a full queue (NO_MEM) is retried for 2 s
// the same way. Operations support
// per-operation cancellation (cancellation slots, awaitable_operators'
// `recv || timer`); a cancelled receive consumes no message. Destroying the
// object completes pending operations with asio::error::operation_aborted.
//
// Completion signatures:
//   async_send:  void(std::error_code, bool)         true when every target ACKed;
//                                                    sync: std::errc::timed_out by the 100 ms rule
//   async_recv:  void(std::error_code, Message)      a fresh copy
//   async_irecv: void(std::error_code, MessageView)  storage reused by the next async_irecv
#pragma once

#include <memory>
#include <span>

#include <asio/any_io_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/awaitable.hpp>
#include <asio/use_awaitable.hpp>

#include "espnow/async/detail/erased_handler.hpp"
#include "espnow/api/espnow.hpp"

namespace espnow {

namespace detail {
class AioCore;
using SendHandler = ErasedHandler<std::error_code, bool>;
using RecvHandler = ErasedHandler<std::error_code, Message>;
using IrecvHandler = ErasedHandler<std::error_code, MessageView>;
void start_send(const std::shared_ptr<AioCore>& core, const MacAddress* mac, std::span<const std::uint8_t> msg,
                bool sync, SendHandler handler);
void start_recv(const std::shared_ptr<AioCore>& core, RecvHandler handler);
void start_irecv(const std::shared_ptr<AioCore>& core, IrecvHandler handler);
}  // namespace detail

class AIOESPNow {
 public:
  using executor_type = asio::any_io_executor;

  // `espnow` (the device's ESPNow) must outlive this object.
  AIOESPNow(ESPNow& espnow, executor_type executor);
  ~AIOESPNow();
  AIOESPNow(const AIOESPNow&) = delete;
  AIOESPNow& operator=(const AIOESPNow&) = delete;

  ESPNow& espnow() const { return espnow_; }
  ESPNow* operator->() const { return &espnow_; }
  executor_type get_executor() const { return executor_; }

  // asend(mac, msg, sync): sync=true completes with the ACK result, false at once.
  template <class Token>
  auto async_send(const MacAddress& mac, std::span<const std::uint8_t> msg, bool sync, Token&& token) {
    return asio::async_initiate<Token, void(std::error_code, bool)>(SendInitiation{this}, token, mac, msg, sync);
  }
  // asend(msg): to every unicast peer, sync.
  template <class Token>
  auto async_send(std::span<const std::uint8_t> msg, Token&& token) {
    return asio::async_initiate<Token, void(std::error_code, bool)>(SendAllInitiation{this}, token, msg);
  }
  // arecv()
  template <class Token>
  auto async_recv(Token&& token) {
    return asio::async_initiate<Token, void(std::error_code, Message)>(RecvInitiation{this}, token);
  }
  // airecv()
  template <class Token>
  auto async_irecv(Token&& token) {
    return asio::async_initiate<Token, void(std::error_code, MessageView)>(IrecvInitiation{this}, token);
  }

  // `async for mac, msg in e:` reads `for (;;) { auto [mac, msg] = co_await e.anext(); ... }`.
  asio::awaitable<MessageView> anext() { co_return co_await async_irecv(asio::use_awaitable); }

 private:
  // Initiation objects, in Asio's style: the operation's arguments travel as
  // init args, so deferred tokens store them by value.
  struct SendInitiation {
    AIOESPNow* self;
    template <class Handler>
    void operator()(Handler&& h, const MacAddress& mac, std::span<const std::uint8_t> msg, bool sync) const {
      detail::start_send(self->core_, &mac, msg, sync, detail::SendHandler(std::forward<Handler>(h), self->executor_));
    }
  };
  struct SendAllInitiation {
    AIOESPNow* self;
    template <class Handler>
    void operator()(Handler&& h, std::span<const std::uint8_t> msg) const {
      detail::start_send(self->core_, nullptr, msg, true, detail::SendHandler(std::forward<Handler>(h), self->executor_));
    }
  };
  struct RecvInitiation {
    AIOESPNow* self;
    template <class Handler>
    void operator()(Handler&& h) const {
      detail::start_recv(self->core_, detail::RecvHandler(std::forward<Handler>(h), self->executor_));
    }
  };
  struct IrecvInitiation {
    AIOESPNow* self;
    template <class Handler>
    void operator()(Handler&& h) const {
      detail::start_irecv(self->core_, detail::IrecvHandler(std::forward<Handler>(h), self->executor_));
    }
  };

  ESPNow& espnow_;
  executor_type executor_;
  std::shared_ptr<detail::AioCore> core_;
};

}  // namespace espnow
