// IdfLink: the Link contract on ESP-IDF's esp_now_* functions, for device
// builds (the ESP-IDF component). On the host it drives the emulation in
// emul/, which is how the behaviour table tests this very code.
//
// The Wi-Fi driver must be initialised and started by the application
// (esp_wifi_init / set_mode / start) before ESPNow::active(true).
//
//   espnow::IdfLink link;
//   espnow::ESPNow e(link);
//   e.active(true);
#pragma once

#include <atomic>

#include "espnow/common/clock.hpp"
#include "espnow/link/link.hpp"

namespace espnow {

class IdfLink final : public Link {
 public:
  IdfLink();
  ~IdfLink() override;
  IdfLink(const IdfLink&) = delete;
  IdfLink& operator=(const IdfLink&) = delete;

  std::error_code init() override;
  std::error_code deinit() override;
  bool initialized() const override { return initialized_.load(); }
  // Register before init(): the callbacks are read from the Wi-Fi task.
  void register_recv_cb(RecvCallback cb, void* ctx) override;
  void register_send_cb(SendCallback cb, void* ctx) override;

  std::error_code send(const MacAddress* dst, std::span<const std::uint8_t> data) override;

  std::error_code add_peer(const PeerInfo& peer) override;
  std::error_code mod_peer(const PeerInfo& peer) override;
  std::error_code del_peer(const MacAddress& mac) override;
  std::error_code get_peer(const MacAddress& mac, PeerInfo& out) const override;
  std::error_code fetch_peer(bool from_head, PeerInfo& out) override;
  bool is_peer_exist(const MacAddress& mac) const override;
  std::error_code get_peer_num(PeerCount& out) const override;

  std::error_code set_pmk(std::span<const std::uint8_t, 16> pmk) override;
  std::error_code set_rate(PhyRate rate) override;
  std::size_t max_data_len() const override;
  // What the driver reports (esp_now_get_version); fixed by the ESP-IDF build.
  int protocol_version() const override;

  bool interface_active(Interface i) const override;
  std::uint8_t channel() const override;
  MacAddress mac(Interface i) const override;
  // The chip's time, for the ESPNow (and the coroutines) that run on it:
  // steady_clock() on a device; on the host's emulation, the emulated chip's
  // clock (virtual time when the chip is one of a Simulation's). Firmware
  // meant for both writes `espnow::ESPNow e(link, link.clock());`.
  Clock& clock() const;

  // The driver's callbacks land here (from the Wi-Fi task).
  void deliver(const RecvInfo& info, std::span<const std::uint8_t> data) const;
  void report(const MacAddress& dst, SendStatus status) const;

 private:
  std::error_code apply_rate_to_peer(const MacAddress& mac) const;

  RecvCallback recv_cb_ = nullptr;
  void* recv_ctx_ = nullptr;
  SendCallback send_cb_ = nullptr;
  void* send_ctx_ = nullptr;
  std::atomic<bool> initialized_{false};
  std::atomic<int> rate_{-1};  // set_rate's value, for peers added later; -1: never set
  void* chip_;                 // the emulated chip this link drives (host emulation only)
};

}  // namespace espnow
