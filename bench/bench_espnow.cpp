// ESPNow between two devices of the in-process air: one thread sends
// 250-byte unicasts with sync=False, another drains them with irecv. The
// baseline is a bare SPSC queue of 256-byte records between two threads.
#include <thread>
#include <vector>

#include "espnow/devices/sim_devices.hpp"
#include "device_pair.hpp"
#include "harness.hpp"
#include "spsc_queue.hpp"

using namespace espnow;

namespace {

using Pair = bench::DevicePair;

bool g_failed = false;  // a stream gave up: main reports it in its exit status

void espnow_stream(Pair& p, std::size_t n) {
  const std::vector<std::uint8_t> msg(250, 0x42);
  if (!bench::stream(p.a.espnow(), p.b.espnow(), p.b.mac(), msg, n, "espnow_stream")) g_failed = true;
}

void spsc_stream(std::size_t n) {
  bench::SpscQueue<256> q(4096);
  std::thread consumer([&] {
    std::uint8_t out[256];
    for (std::size_t got = 0; got < n;) got += q.pop(out) ? 1 : 0;
  });
  std::uint8_t rec[256] = {0x42};
  for (std::size_t i = 0; i < n; ++i)
    while (!q.push(rec)) {
    }
  consumer.join();
}

}  // namespace

int main() {
  Pair p;
  const std::size_t n = 200000;
  const auto [value, base] = bench::compare_rates([&](std::size_t k) { espnow_stream(p, k); },
                                                  [](std::size_t k) { spsc_stream(k); }, n, 5);
  bench::report_absolute("espnow.two_devices_send_async_irecv_250B", value, "msgs/s", 1e6);
  bench::report_ratio("espnow.two_devices_vs_spsc_256B", value, "msgs/s", base, 0.4);

  const std::vector<std::uint8_t> msg(250, 0x42);
  auto sync_sends = [&](std::size_t k) {
    for (std::size_t i = 0; i < k; ++i) {
      (void)p.a.espnow().send(p.b.mac(), msg, true);
      (void)p.b.espnow().irecv(0);
    }
  };
  double best = 0;
  for (int i = 0; i < 5; ++i) best = std::max(best, bench::best_rate(sync_sends, 100000));
  bench::report_info("espnow.two_devices_send_sync_250B", best, "msgs/s");
  return g_failed ? 1 : 0;
}
