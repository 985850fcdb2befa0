// The README's tour: two devices on the in-process virtual air.
#include <cstdio>

#include <espnow/devices/virtual_air.hpp>

using namespace espnow;
using namespace espnow::literals;

int main() {
  VirtualAir air;  // in-process air, timing off
  VirtualDevice& a = *air.add_device({.mac = "aa:aa:aa:aa:aa:aa"_mac}).value();
  VirtualDevice& b = *air.add_device({.mac = "ba:bb:bb:bb:bb:bb"_mac}).value();

  ESPNow& ea = a.espnow();  // one per device, like ESPNow()
  ESPNow& eb = b.espnow();
  ea.active(true);
  eb.active(true);
  ea.add_peer(b.mac());

  Result<bool> ok = ea.send(b.mac(), bytes("hello"));  // sync=True: true when b's radio ACKed
  if (!ok) std::puts(error_name(ok.error()).data());   // e.g. ESP_ERR_ESPNOW_NOT_FOUND
  std::printf("send -> %s\n", ok && *ok ? "True" : "False");

  if (auto r = eb.irecv(1000); r && r->mac)  // wait up to 1 s; mac is null on timeout
    std::printf("%s: %.*s\n", r->mac->to_text().c_str(), int(r->msg.size()), (const char*)r->msg.data());

  (void)ea.send(b.mac(), bytes("second"));
  eb.config({.timeout_ms = 0});
  for (auto [mac, msg] : eb) {  // like `for mac, msg in e:`; mac == nullptr on timeout
    if (!mac) break;
    std::printf("%s: %.*s\n", mac->to_text().c_str(), int(msg.size()), (const char*)msg.data());
  }
  const Stats s = ea.stats();
  std::printf("stats: (%llu, %llu, %llu, %llu, %llu)\n", (unsigned long long)s.tx_pkts,
              (unsigned long long)s.tx_responses, (unsigned long long)s.tx_failures,
              (unsigned long long)eb.stats().rx_packets, (unsigned long long)eb.stats().rx_dropped);
  return 0;
}
