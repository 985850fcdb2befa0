// AIOESPNow: the echo round trip against a bare asio::post ping-pong between
// two coroutines, and async throughput against the sync API's two-thread
// stream measured in the same run.
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>

#include "espnow/async/aioespnow.hpp"
#include "espnow/devices/sim_devices.hpp"
#include "device_pair.hpp"
#include "harness.hpp"

using namespace espnow;
using asio::awaitable;
using asio::use_awaitable;

namespace {

using Devices = bench::DevicePair;

bool g_failed = false;  // a stream gave up: main reports it in its exit status

// Round trips per second: a sends, b echoes, a receives the echo.
double echo_rate(Devices& d, std::size_t n) {
  asio::io_context io;
  AIOESPNow ea(d.a.espnow(), io.get_executor()), eb(d.b.espnow(), io.get_executor());
  const std::vector<std::uint8_t> msg(32, 7);
  asio::co_spawn(io, [&]() -> awaitable<void> {
    for (std::size_t i = 0; i < n; ++i) {
      auto [mac, m] = co_await eb.anext();
      co_await eb.async_send(*mac, m, false, use_awaitable);
    }
  }, asio::detached);
  return bench::best_rate([&](std::size_t k) {
    asio::co_spawn(io, [&]() -> awaitable<void> {
      for (std::size_t i = 0; i < k; ++i) {
        co_await ea.async_send(d.b.mac(), msg, false, use_awaitable);
        co_await ea.async_irecv(use_awaitable);
      }
    }, asio::detached);
    io.run();
  }, n);
}

// Round trips per second of two coroutines handing control back and forth
// with asio::post: the least an event-loop round trip can cost.
double post_ping_pong_rate(std::size_t n) {
  asio::io_context io;
  return bench::best_rate([&](std::size_t k) {
    asio::co_spawn(io, [&]() -> awaitable<void> {
      for (std::size_t i = 0; i < k; ++i) {
        co_await asio::post(io, use_awaitable);  // ping
        co_await asio::post(io, use_awaitable);  // pong
      }
    }, asio::detached);
    io.run();
  }, n);
}

double async_stream_rate(Devices& d, std::size_t n) {
  asio::io_context io;
  AIOESPNow ea(d.a.espnow(), io.get_executor()), eb(d.b.espnow(), io.get_executor());
  const std::vector<std::uint8_t> msg(250, 0x42);
  return bench::best_rate([&](std::size_t k) {
    asio::co_spawn(io, [&]() -> awaitable<void> {
      for (std::size_t i = 0; i < k; ++i) co_await ea.async_send(d.b.mac(), msg, false, use_awaitable);
    }, asio::detached);
    std::size_t got = 0;
    asio::co_spawn(io, [&]() -> awaitable<void> {
      for (; got < k; ++got) co_await eb.async_irecv(use_awaitable);
    }, asio::detached);
    // A message dropped or not sent would leave the reader waiting: a deadline ends it.
    io.run_for(std::chrono::seconds(120));
    if (got < k) {
      std::fprintf(stderr, "async_stream: gave up after 120 s: read %zu of %zu (rx_dropped %llu)\n", got, k,
                   static_cast<unsigned long long>(d.b.espnow().stats().rx_dropped));
      g_failed = true;
    }
    io.restart();
  }, n);
}

double sync_stream_rate(Devices& d, std::size_t n) {
  const std::vector<std::uint8_t> msg(250, 0x42);
  return bench::best_rate([&](std::size_t k) {
    if (!bench::stream(d.a.espnow(), d.b.espnow(), d.b.mac(), msg, k, "sync_stream")) g_failed = true;
  }, n);
}

}  // namespace

int main() {
  Devices d;
  double echo = 0, post = 0, async_rate = 0, sync_rate = 0;
  for (int trial = 0; trial < 5; ++trial) {
    post = std::max(post, post_ping_pong_rate(100000));
    echo = std::max(echo, echo_rate(d, 100000));
    sync_rate = std::max(sync_rate, sync_stream_rate(d, 200000));
    async_rate = std::max(async_rate, async_stream_rate(d, 200000));
  }
  // Round-trip times: lower is better, so the ratio is echo RTT / post RTT.
  bench::report_ratio("async.echo_round_trip_us", 1e6 / echo, "us", 1e6 / post, 3.0, bench::Goal::at_most);
  bench::report_ratio("async.send_async_irecv_vs_sync_250B", async_rate, "msgs/s", sync_rate, 0.5);
  return g_failed ? 1 : 0;
}
