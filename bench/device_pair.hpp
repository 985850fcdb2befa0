// Two active devices on an in-process air, each a peer of the other, with a
// receive buffer deep enough that a benchmark never drops.
#pragma once

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

}  // namespace bench
