// The two tasks of the seeds' asyncio example (heartbeat and echo server) as
// C++20 coroutines on AIOESPNow, shared by the host demo
// (echo_heartbeat_demo.cpp) and the ESP-IDF firmware (esp-idf/main/main.cpp).
#pragma once

#include <chrono>
#include <cstdio>
#include <span>
#include <string>

#include <asio/awaitable.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include "espnow/async/aioespnow.hpp"
#include "espnow/async/timer.hpp"

namespace espnow::seed_tasks {

using asio::awaitable;
using asio::use_awaitable;
using Ms = std::chrono::milliseconds;

// Python's repr() of bytes, so the output reads like the seeds' example.
inline std::string py_bytes(std::span<const std::uint8_t> b) {
  std::string s = "b'";
  for (std::uint8_t c : b) {
    char buf[5];
    if (c == '\\' || c == '\'') s += '\\', s += static_cast<char>(c);
    else if (c >= 0x20 && c < 0x7f) s += static_cast<char>(c);
    else std::snprintf(buf, sizeof buf, "\\x%02x", c), s += buf;
  }
  return s + "'";
}
inline std::string py_bytes(const MacAddress& m) { return py_bytes(std::span<const std::uint8_t>(m.bytes)); }

// On the executor's time: the wall clock on an ordinary io_context, virtual
// time on one run by run_on_clock() in a simulation.
inline awaitable<void> sleep_for(Ms d) {
  Timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(use_awaitable);
}

// async def heartbeat(e, peer, period=30)
inline awaitable<void> heartbeat(AIOESPNow& e, MacAddress peer, Ms period) {
  for (;;) {
    // (GCC 12 miscompiles `if (!co_await ...)`: await into a variable first.)
    const bool ok = co_await e.async_send(peer, bytes("ping"), true, use_awaitable);
    if (!ok)
      std::printf("Heartbeat: peer not responding: %s\n", py_bytes(peer).c_str());
    else
      std::printf("Heartbeat: ping %s\n", py_bytes(peer).c_str());
    co_await sleep_for(period);
  }
}

// async def echo_server(e)
inline awaitable<void> echo_server(AIOESPNow& e) {
  for (;;) {  // async for mac, msg in e:
    auto [mac, msg] = co_await e.anext();
    std::printf("Echo: %s\n", py_bytes(msg).c_str());
    auto [ec, ok] = co_await e.async_send(*mac, msg, true, asio::experimental::as_tuple(use_awaitable));
    if (ec == errc::not_found) {  // except OSError as err: ... 'ESP_ERR_ESPNOW_NOT_FOUND'
      (void)e->add_peer(*mac);
      co_await e.async_send(*mac, msg, true, use_awaitable);
    }
  }
}

}  // namespace espnow::seed_tasks
