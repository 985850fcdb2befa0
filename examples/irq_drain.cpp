// The seeds' irq pattern: the callback drains every buffered message with
// irecv(0), since one call may stand for several arrivals.
#include <atomic>
#include <chrono>
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
  std::atomic<int> got{0};

  e.irq([&](ESPNow& self) {  // def recv_cb(e):
    for (;;) {               //   while True:
      auto r = self.irecv(0);  //   mac, msg = e.irecv(0)
      if (!r.ok() || !r->mac) return;  // if mac is None: return
      std::printf("%s %.*s\n", r->mac->to_text().c_str(), int(r->msg.size()),
                  reinterpret_cast<const char*>(r->msg.data()));
      ++got;
    }
  });

  (void)sender.espnow().active(true);
  (void)sender.espnow().add_peer(receiver.mac());
  (void)sender.espnow().send(receiver.mac(), bytes("first"));
  (void)sender.espnow().send(receiver.mac(), bytes("second"));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (got < 2 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::printf("received %d\n", got.load());
  return got == 2 ? 0 : 1;
}
