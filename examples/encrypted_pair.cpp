// The README's encrypted-peer example: two devices with a shared LMK.
#include <cstdio>

#include <espnow/devices/virtual_air.hpp>

using namespace espnow;
using namespace espnow::literals;

int main() {
  VirtualAir air;
  VirtualDevice& a = *air.add_device({.mac = "aa:aa:aa:aa:aa:aa"_mac}).value();
  VirtualDevice& b = *air.add_device({.mac = "ba:bb:bb:bb:bb:bb"_mac}).value();
  ESPNow& ea = a.espnow();
  ESPNow& eb = b.espnow();
  ea.active(true);
  eb.active(true);

  const std::uint8_t lmk[16] = {'m', 'y', ' ', 'l', 'o', 'c', 'a', 'l', ' ', 'm', 'a', 's', 't', 'e', 'r', '!'};
  ea.set_pmk(bytes("0123456789abcdef"));  // both ends; ESP-IDF's default is "pmk1234567890123"
  eb.set_pmk(bytes("0123456789abcdef"));
  ea.add_peer(b.mac(), {.lmk = lmk});  // a 16-byte LMK turns encryption on (at most 6 such peers)
  eb.add_peer(a.mac(), {.lmk = lmk});
  const bool ok = ea.send(b.mac(), bytes("for b only")).value();  // CCMP on the air
  auto m = eb.recv(0).value();
  std::printf("send -> %s, b got: %.*s\n", ok ? "True" : "False", m ? int(m->msg.size()) : 0,
              m ? reinterpret_cast<const char*>(m->msg.data()) : "");

  eb.del_peer(a.mac());  // b forgets a's key: a's next message cannot be read
  (void)ea.send(b.mac(), bytes("unreadable"));
  std::printf("b dropped %llu encrypted frame(s) from unknown senders\n",
              (unsigned long long)eb.link_stats().rx_encrypted);
  return 0;
}
