// The seeds' asyncio example on an ESP32: Wi-Fi STA started, then AIOESPNow
// runs the heartbeat and the echo server for 120 s and prints stats().
//
//   network.WLAN(network.WLAN.IF_STA).active(True)   -> start_wifi_sta()
//   e = aioespnow.AIOESPNow(); e.active(True)        -> IdfLink + ESPNow + AIOESPNow
//   asyncio.run(main(e, peer, 120, 10))              -> io_context for 120 s,
//                                                       on the chip's clock
//
// Written to build under ESP-IDF 5.x; not built for a chip where it was
// written. On the host, examples/echo_heartbeat_demo.cpp runs the same tasks.
#include <cstdio>
#include <memory>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>

#include "esp_event.h"
#include "esp_netif.h"
#include "esp_wifi.h"
#include "nvs_flash.h"

#include "../../seed_tasks.hpp"
#include "espnow/api/idf_config.hpp"
#include "espnow/async/run_on_clock.hpp"
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

// The run's length: `done` once `d` has passed. Its timer is made once the
// io_context runs, so it waits on the time that runs on.
asio::awaitable<void> stop_after(Ms d, bool& done) {
  co_await sleep_for(d);
  done = true;
}

}  // namespace

extern "C" void app_main(void) {
  start_wifi_sta();

  // One link per chip (esp_now has one global callback). Not static: copies
  // of this firmware running as chips of one simulation share its globals.
  // On the heap: the main task's stack is 3.5 KB.
  auto link = std::make_unique<IdfLink>();
  auto espnow = std::make_unique<ESPNow>(*link, link->clock());  // the chip's time
  asio::io_context io;
  AIOESPNow e(*espnow, io.get_executor());
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
  bool done = false;
  asio::co_spawn(io, stop_after(std::chrono::seconds(120), done), asio::detached);
  // io.run() on the chip's time: the steady clock on a chip; virtual time
  // when the host's emulation runs this firmware as chips of a simulation
  // (`espnow_echo_heartbeat --sim 4`, docs/esp-idf.md).
  run_on_clock(io, espnow->clock(), [&] { return done; });
  print_stats(*espnow);
}
