// The README's tour: two devices on the in-process simulated air.
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
  SimDevices air;  // in-process air, timing off
  SimDevice& a = *air.add_device({.mac = "aa:aa:aa:aa:aa:aa"_mac}).value();
  SimDevice& b = *air.add_device({.mac = "ba:bb:bb:bb:bb:bb"_mac}).value();

  ESPNow& ea = a.espnow();  // one per device, like ESPNow()
  ESPNow& eb = b.espnow();
  check(ea.active(true), "active");
  check(eb.active(true), "active");
  check(ea.add_peer(b.mac()), "add_peer");

  Result<bool> sent = ea.send(b.mac(), bytes("hello"));  // sync=True
  if (!sent.ok())                                        // e.g. ESP_ERR_ESPNOW_NOT_FOUND
    std::printf("send failed: %s\n", error_name(sent.error()).c_str());
  else                                                   // value(): did b's radio ACK it?
    std::printf("send -> %s\n", sent.value() ? "True" : "False");

  if (auto r = eb.irecv(1000); r.ok() && r->mac)  // wait up to 1 s; mac is null on timeout
    std::printf("%s: %.*s\n", r->mac->to_text().c_str(), int(r->msg.size()), (const char*)r->msg.data());

  (void)ea.send(b.mac(), bytes("second"));
  check(eb.config({.timeout_ms = 0}), "config");
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
