// Two active devices on an in-process air, each a peer of the other, with a
// receive buffer deep enough that a benchmark never drops.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdio>
#include <span>
#include <thread>

#include "espnow/devices/sim_devices.hpp"

namespace bench {

struct DevicePair {
  espnow::SimDevices air;
  espnow::SimDevice& a = **air.add_device({.mac = espnow::MacAddress{{2, 0, 0, 0, 0, 1}}});
  espnow::SimDevice& b = **air.add_device({.mac = espnow::MacAddress{{2, 0, 0, 0, 0, 2}}});
  DevicePair() {
    for (espnow::SimDevice* d : {&a, &b}) {
      (void)d->espnow().config({.rxbuf = 4096 * 263});
      (void)d->espnow().active(true);
    }
    (void)a.espnow().add_peer(b.mac());
    (void)b.espnow().add_peer(a.mac());
  }
};

// The reading half of a two-thread stream. Made before the sender starts, so
// that every drop from then on is counted (a reader thread that started late
// once missed drops made before it read the counter, and spun for ever). It
// stops when every message is read, dropped or failed to send, or at a
// deadline, which it reports as an error rather than hang.
class StreamReader {
 public:
  explicit StreamReader(espnow::ESPNow& e) : e_(e), dropped_before_(e.stats().rx_dropped) {}

  // Reads with irecv(0), spinning. False (said on stderr) if `limit` passed.
  bool read(std::size_t n, const std::atomic<std::size_t>& failed_sends, const char* who,
            std::chrono::seconds limit = std::chrono::seconds(120)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    std::size_t got = 0;
    std::uint64_t dropped = 0;
    for (std::uint32_t spins = 0; got + dropped + failed_sends.load() < n; ++spins) {
      if (e_.irecv(0)->mac) {
        ++got;
        continue;
      }
      dropped = e_.stats().rx_dropped - dropped_before_;
      if (spins % 4096 == 0 && std::chrono::steady_clock::now() > deadline) {
        std::fprintf(stderr, "%s: gave up after %llds: read %zu, dropped %llu, failed to send %zu of %zu\n", who,
                     static_cast<long long>(limit.count()), got, static_cast<unsigned long long>(dropped),
                     failed_sends.load(), n);
        return false;
      }
    }
    if (dropped || failed_sends.load())
      std::fprintf(stderr, "%s: %llu dropped (the reader fell behind), %zu failed to send, of %zu\n", who,
                   static_cast<unsigned long long>(dropped), failed_sends.load(), n);
    return true;
  }

 private:
  espnow::ESPNow& e_;
  std::uint64_t dropped_before_;
};

// Sends `n` copies of `msg` from a to b with sync=False, counting its failures.
inline void send_n(espnow::ESPNow& a, const espnow::MacAddress& to, std::span<const std::uint8_t> msg, std::size_t n,
                   std::atomic<std::size_t>& failed) {
  for (std::size_t i = 0; i < n; ++i)
    if (!a.send(to, msg, false).ok()) ++failed;
}

// The two-thread stream; false if its reader gave up.
inline bool stream(espnow::ESPNow& a, espnow::ESPNow& b, const espnow::MacAddress& to,
                   std::span<const std::uint8_t> msg, std::size_t n, const char* who) {
  std::atomic<std::size_t> failed{0};
  StreamReader reader(b);
  bool ok = true;
  std::thread receiver([&] { ok = reader.read(n, failed, who); });
  send_n(a, to, msg, n, failed);
  receiver.join();
  return ok;
}

}  // namespace bench
