// The README's encrypted-peer example: two devices with a shared LMK.
#include <cstdio>
#include <cstdlib>

#include <espnow/devices/sim_devices.hpp>

using namespace espnow;
using namespace espnow::literals;

// Setup calls return Result<void>: ok(), or an error with its ESP-IDF name
// and a detail ("ESP_ERR_ESPNOW_ARG: lmk must be 16 bytes").
void check(const Result<void>& r, const char* what) {
  if (r.ok()) return;
  std::fprintf(stderr, "%s: %s\n", what, r.failure().message().c_str());
  std::exit(1);
}

int main() {
  SimDevices air;
  SimDevice& a = *air.add_device({.mac = "aa:aa:aa:aa:aa:aa"_mac}).value();
  SimDevice& b = *air.add_device({.mac = "ba:bb:bb:bb:bb:bb"_mac}).value();
  ESPNow& ea = a.espnow();
  ESPNow& eb = b.espnow();
  check(ea.active(true), "active");
  check(eb.active(true), "active");

  const std::uint8_t lmk[16] = {'m', 'y', ' ', 'l', 'o', 'c', 'a', 'l', ' ', 'm', 'a', 's', 't', 'e', 'r', '!'};
  check(ea.set_pmk(bytes("0123456789abcdef")), "set_pmk");  // both ends; ESP-IDF's default is "pmk1234567890123"
  check(eb.set_pmk(bytes("0123456789abcdef")), "set_pmk");
  check(ea.add_peer(b.mac(), {.lmk = lmk}), "add_peer");  // a 16-byte LMK turns encryption on (at most 6 such peers)
  check(eb.add_peer(a.mac(), {.lmk = lmk}), "add_peer");
  const bool ok = ea.send(b.mac(), bytes("for b only")).value();  // CCMP on the air
  auto m = eb.recv(0).value();
  std::printf("send -> %s, b got: %.*s\n", ok ? "True" : "False", m ? int(m->msg.size()) : 0,
              m ? reinterpret_cast<const char*>(m->msg.data()) : "");

  check(eb.del_peer(a.mac()), "del_peer");  // b forgets a's key: a's next message cannot be read
  (void)ea.send(b.mac(), bytes("unreadable"));
  std::printf("b dropped %llu encrypted frame(s) from unknown senders\n",
              (unsigned long long)eb.link_stats().rx_encrypted);
  return 0;
}
