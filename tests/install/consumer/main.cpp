// Built against an installed espnow, one check per exported library:
// espnow::espnow (a frame encoded and decoded), espnow::host (a pcap file
// written and read back), espnow::async (AIOESPNow receives a message) and
// espnow::idf_emul (ESP-IDF's C API on an emulated chip). Prints "ok NAME"
// per check that passed and exits 1 if any failed.
#include <espnow/async/aioespnow.hpp>
#include <espnow/wire/frame.hpp>
#include <espnow/host/pcap_file.hpp>
#include <espnow/devices/sim_devices.hpp>

#include <asio/io_context.hpp>

#include <array>
#include <cstdio>
#include <string>

#include "esp_now.h"
#include "esp_wifi.h"
#include "espnow_emul.hpp"

using namespace espnow;
using namespace espnow::literals;

namespace {

bool frame_round_trip() {
  std::array<std::uint8_t, 64> buf{};
  const std::uint8_t msg[] = {'o', 'k'};
  const auto enc = wire::encode({.dst = MacAddress::broadcast(), .src = {}}, msg, buf);
  const auto dec = wire::decode(std::span(buf).first(enc.size), wire::Fcs::present);
  return dec.ok() && dec.frame.message.size() == 2;
}

bool pcap_round_trip(const std::string& path) {
  const std::uint8_t packet[] = {1, 2, 3};
  {
    auto w = host::PcapWriter::open(path);
    if (!w.ok()) return false;
    w->write(packet, std::chrono::microseconds(7));
  }
  auto r = host::PcapReader::open(path);
  host::CapturedPacket p;
  return r.ok() && r->next(p).value_or(false) && p.bytes.size() == 3;
}

bool async_receive() {
  SimDevices air;
  SimDevice& sender = *air.add_device({.mac = "02:00:00:00:00:01"_mac}).value();
  SimDevice& receiver = *air.add_device({.mac = "02:00:00:00:00:02"_mac}).value();
  asio::io_context io;
  AIOESPNow e(receiver.espnow(), io.get_executor());
  (void)e->active(true);
  (void)sender.espnow().active(true);
  (void)sender.espnow().add_peer(receiver.mac());
  std::string got;
  e.async_recv([&](std::error_code ec, Message m) {
    if (!ec) got.assign(m.msg.begin(), m.msg.end());
  });
  (void)sender.espnow().send(receiver.mac(), bytes("hi"));
  io.run();
  return got == "hi";
}

bool emulated_chip() {
  SimAir air;
  auto chip = emul::EmulatedChip::create(air, {.radio = {.mac = "02:00:00:00:00:0a"_mac}});
  if (!chip.ok()) return false;
  emul::ScopedChip use(chip.value().get());
  const wifi_init_config_t cfg = WIFI_INIT_CONFIG_DEFAULT();
  std::uint32_t version = 0;
  return esp_wifi_init(&cfg) == ESP_OK && esp_wifi_set_mode(WIFI_MODE_STA) == ESP_OK &&
         esp_wifi_start() == ESP_OK && esp_now_init() == ESP_OK && esp_now_get_version(&version) == ESP_OK &&
         version == 1 && esp_now_deinit() == ESP_OK;
}

bool check(const char* name, bool ok) {
  std::printf("%s %s\n", ok ? "ok" : "FAILED", name);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string pcap = argc > 1 ? argv[1] : "consumer.pcap";
  bool ok = check("espnow::espnow", frame_round_trip());
  ok &= check("espnow::host", pcap_round_trip(pcap));
  ok &= check("espnow::async", async_receive());
  ok &= check("espnow::idf_emul", emulated_chip());
  return ok ? 0 : 1;
}
