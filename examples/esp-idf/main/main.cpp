// The seeds' asyncio example on an ESP32: Wi-Fi STA started, then AIOESPNow
// runs the heartbeat and the echo server for 120 s and prints stats().
//
//   network.WLAN(network.WLAN.IF_STA).active(True)   -> start_wifi_sta()
//   e = aioespnow.AIOESPNow(); e.active(True)        -> IdfLink + ESPNow + AIOESPNow
//   asyncio.run(main(e, peer, 120, 10))              -> io_context for 120 s
//
// Written to build under ESP-IDF 5.x; not built for a chip where it was
// written. On the host, examples/echo_heartbeat_demo.cpp runs the same tasks.
#include <cstdio>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>

#include "esp_event.h"
#include "esp_netif.h"
#include "esp_wifi.h"
#include "nvs_flash.h"

#include "../../seed_tasks.hpp"
#include "espnow/api/idf_config.hpp"
#include "espnow/link/idf_link.hpp"

using namespace espnow;
using namespace espnow::seed_tasks;

namespace {

// What ESP-NOW needs of Wi-Fi: the driver initialised and the STA interface
// started (no access point to join).
void start_wifi_sta() {
  esp_err_t err = nvs_flash_init();
  if (err == ESP_ERR_NVS_NO_FREE_PAGES || err == ESP_ERR_NVS_NEW_VERSION_FOUND) {
    ESP_ERROR_CHECK(nvs_flash_erase());
    err = nvs_flash_init();
  }
  ESP_ERROR_CHECK(err);
  ESP_ERROR_CHECK(esp_netif_init());
  ESP_ERROR_CHECK(esp_event_loop_create_default());
  const wifi_init_config_t cfg = WIFI_INIT_CONFIG_DEFAULT();
  ESP_ERROR_CHECK(esp_wifi_init(&cfg));
  ESP_ERROR_CHECK(esp_wifi_set_storage(WIFI_STORAGE_RAM));
  ESP_ERROR_CHECK(esp_wifi_set_mode(WIFI_MODE_STA));
  ESP_ERROR_CHECK(esp_wifi_start());
}

void print_stats(const ESPNow& e) {
  const Stats s = e.stats();
  std::printf("stats(): tx_pkts=%llu tx_responses=%llu tx_failures=%llu rx_packets=%llu rx_dropped=%llu\n",
              (unsigned long long)s.tx_pkts, (unsigned long long)s.tx_responses, (unsigned long long)s.tx_failures,
              (unsigned long long)s.rx_packets, (unsigned long long)s.rx_dropped);
}

}  // namespace

extern "C" void app_main(void) {
  start_wifi_sta();

  static IdfLink link;  // esp_now has one global callback: one link per chip
  static ESPNow espnow(link);
  asio::io_context io;
  AIOESPNow e(espnow, io.get_executor());
  if (auto r = e->config(kconfig_defaults()); !r.ok()) std::printf("config: %s\n", r.failure().message().c_str());
  if (auto r = e->active(true); !r.ok()) {
    std::printf("active(True) failed: %s\n", r.failure().message().c_str());
    return;
  }
  // The seeds' peer b'\xbb\xbb\xbb\xbb\xbb\xbb'. 0xbb has the group bit set:
  // no radio ever acknowledges it, so the heartbeat always reports "ping".
  const MacAddress peer{{0xbb, 0xbb, 0xbb, 0xbb, 0xbb, 0xbb}};
  (void)e->add_peer(peer);

  asio::co_spawn(io, heartbeat(e, peer, std::chrono::seconds(10)), asio::detached);
  asio::co_spawn(io, echo_server(e), asio::detached);
  asio::steady_timer stop(io, std::chrono::seconds(120));
  stop.async_wait([&](std::error_code) { io.stop(); });
  io.run();
  print_stats(espnow);
}
