// Waiting for messages with poll(2) on the readiness descriptor, as an
// event loop (or MicroPython's select.poll) would.
#include <poll.h>

#include <cstdio>
#include <thread>

#include "espnow/devices/sim_devices.hpp"

using namespace espnow;
using namespace espnow::literals;

int main() {
  SimDevices air;
  SimDevice& sender = *air.add_device({.mac = "02:00:00:00:00:01"_mac}).value();
  SimDevice& receiver = *air.add_device({.mac = "02:00:00:00:00:02"_mac}).value();
  ESPNow& e = receiver.espnow();
  (void)e.active(true);
  (void)sender.espnow().active(true);
  (void)sender.espnow().add_peer(receiver.mac());

  std::thread producer([&] {
    for (const char* m : {"one", "two", "three"}) (void)sender.espnow().send(receiver.mac(), bytes(m));
  });
  pollfd p{*e.fileno(), POLLIN, 0};
  int received = 0;
  while (received < 3) {
    if (::poll(&p, 1, 5000) <= 0) return std::puts("timed out"), 1;
    for (auto r = e.irecv(0); r.ok(); r = e.irecv(0)) {  // drain: the descriptor stays readable until empty
      if (!r->mac) break;
      std::printf("poll: %.*s\n", int(r->msg.size()), reinterpret_cast<const char*>(r->msg.data()));
      ++received;
    }
  }
  producer.join();
  return 0;
}
