// Two active devices on an in-process air, each a peer of the other, with a
// receive buffer deep enough that a benchmark never drops.
#pragma once

#include <cstdio>

#include "espnow/virtual_air.hpp"

namespace bench {

struct DevicePair {
  espnow::VirtualAir air;
  espnow::VirtualDevice& a = **air.add_device({.mac = espnow::MacAddress{{2, 0, 0, 0, 0, 1}}});
  espnow::VirtualDevice& b = **air.add_device({.mac = espnow::MacAddress{{2, 0, 0, 0, 0, 2}}});
  DevicePair() {
    for (espnow::VirtualDevice* d : {&a, &b}) {
      (void)d->espnow().config({.rxbuf = 4096 * 263});
      (void)d->espnow().active(true);
    }
    (void)a.espnow().add_peer(b.mac());
    (void)b.espnow().add_peer(a.mac());
  }
};

// Reads `n` messages on `e` with irecv(0), spinning, or fewer if some were
// dropped meanwhile (a descheduled reader can let the ring fill); says on
// stderr how many were dropped, since the figure then counts them.
inline void receive_n(espnow::ESPNow& e, std::size_t n, const char* who) {
  const std::uint64_t dropped_before = e.stats().rx_dropped;
  std::uint64_t dropped = 0;
  for (std::size_t got = 0; got + dropped < n;) {
    if (e.irecv(0)->mac) ++got;
    else dropped = e.stats().rx_dropped - dropped_before;
  }
  if (dropped)
    std::fprintf(stderr, "%s: %llu of %zu dropped (the reader fell behind)\n", who,
                 static_cast<unsigned long long>(dropped), n);
}

}  // namespace bench
