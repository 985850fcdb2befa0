// esp_now_* on the selected emulated chip's SoftLink. SoftLink already speaks
// ESP-IDF's error numbers (errors.hpp); this layer adds the checks the C API
// makes before the stack sees a call: initialisation and null pointers.
#include "esp_now.h"

#include <algorithm>
#include <cstring>
#include <type_traits>

#include "chip_state.hpp"
#include "espnow/link/detail/idf_types.hpp"

using espnow::MacAddress;
using espnow::PeerInfo;
using espnow::emul::selected_chip;
using espnow::emul::detail::ChipState;
using espnow::detail::to_esp_err;

namespace {

ChipState& chip() { return selected_chip().state(); }

// ESP_ERR_ESPNOW_ARG for an interface or channel the chip does not have.
// C callers may store any integer in the enum field, so it is read as one.
esp_err_t to_peer(const esp_now_peer_info_t& in, PeerInfo& out) {
  std::underlying_type_t<wifi_interface_t> ifidx;
  std::memcpy(&ifidx, &in.ifidx, sizeof ifidx);
  if ((ifidx != WIFI_IF_STA && ifidx != WIFI_IF_AP) || in.channel > espnow::kMaxChannel) return ESP_ERR_ESPNOW_ARG;
  out = espnow::detail::to_peer_info(in);
  return ESP_OK;
}

// Runs `fn` on the chip once esp_now_init has run; NOT_INIT before.
template <class Fn>
esp_err_t when_init(Fn fn) {
  ChipState& s = chip();
  if (!s.espnow_init.load()) return ESP_ERR_ESPNOW_NOT_INIT;
  return fn(s);
}

}  // namespace

extern "C" {

esp_err_t esp_now_init(void) {
  ChipState& s = chip();
  {
    std::lock_guard lk(s.wifi_mutex);
    if (!s.wifi_init) return ESP_ERR_ESPNOW_INTERNAL;
  }
  std::lock_guard lk(s.espnow_mutex);
  if (s.espnow_init.load()) return ESP_OK;
  s.link.register_recv_cb(&ChipState::link_received, &s);
  s.link.register_send_cb(&ChipState::link_sent, &s);
  if (auto ec = s.link.init()) return to_esp_err(ec);
  s.espnow_init = true;
  return ESP_OK;
}

// Stops the stack, forgets the peers and callbacks, and drops the reports
// the Wi-Fi task still held.
esp_err_t esp_now_deinit(void) {
  ChipState& s = chip();
  std::lock_guard lk(s.espnow_mutex);
  s.espnow_init = false;
  (void)s.link.deinit();
  s.set_recv_cb({});
  s.set_send_cb({});
  s.task.discard();
  s.task.wait_idle();
  return ESP_OK;
}

esp_err_t esp_now_get_version(uint32_t* version) {
  if (!version) return ESP_ERR_ESPNOW_ARG;
  *version = static_cast<uint32_t>(chip().link.protocol_version());
  return ESP_OK;
}

esp_err_t espnow_emul_register_recv_cb(espnow_emul_any_cb_t cb, uint32_t idf_version) {
  return when_init([=](ChipState& s) {
    s.set_recv_cb({cb, idf_version >= ESP_IDF_VERSION_VAL(5, 0, 0)});
    return ESP_OK;
  });
}

// Once this returns, the old callback is not running and will not run.
esp_err_t esp_now_unregister_recv_cb(void) {
  return when_init([](ChipState& s) {
    s.set_recv_cb({});
    s.task.wait_idle();
    return ESP_OK;
  });
}

esp_err_t espnow_emul_register_send_cb(espnow_emul_any_cb_t cb, uint32_t idf_version) {
  return when_init([=](ChipState& s) {
    s.set_send_cb({cb, idf_version >= ESP_IDF_VERSION_VAL(5, 5, 0)});
    return ESP_OK;
  });
}

esp_err_t esp_now_unregister_send_cb(void) {
  return when_init([](ChipState& s) {
    s.set_send_cb({});
    s.task.wait_idle();
    return ESP_OK;
  });
}

// The stack copies the message into its frame before returning.
esp_err_t esp_now_send(const uint8_t* peer_addr, const uint8_t* data, size_t len) {
  return when_init([=](ChipState& s) {
    if (!data) return ESP_ERR_ESPNOW_ARG;
    const std::span<const uint8_t> msg(data, len);
    if (!peer_addr) return to_esp_err(s.link.send(nullptr, msg));
    const MacAddress dst = espnow::detail::mac_from(peer_addr);
    return to_esp_err(s.link.send(&dst, msg));
  });
}

esp_err_t esp_now_add_peer(const esp_now_peer_info_t* peer) {
  return when_init([peer](ChipState& s) {
    PeerInfo p;
    if (!peer) return ESP_ERR_ESPNOW_ARG;
    if (esp_err_t e = to_peer(*peer, p)) return e;
    return to_esp_err(s.link.add_peer(p));
  });
}

esp_err_t esp_now_mod_peer(const esp_now_peer_info_t* peer) {
  return when_init([peer](ChipState& s) {
    PeerInfo p;
    if (!peer) return ESP_ERR_ESPNOW_ARG;
    if (esp_err_t e = to_peer(*peer, p)) return e;
    return to_esp_err(s.link.mod_peer(p));
  });
}

esp_err_t esp_now_del_peer(const uint8_t* peer_addr) {
  return when_init([peer_addr](ChipState& s) {
    if (!peer_addr) return ESP_ERR_ESPNOW_ARG;
    return to_esp_err(s.link.del_peer(espnow::detail::mac_from(peer_addr)));
  });
}

// The emulated radio sends everything at one rate, so a peer's rate becomes
// the chip's. ESP-IDF documents NOT_INIT, ARG and INTERNAL only: an unknown
// peer or rate is an invalid argument.
esp_err_t esp_now_set_peer_rate_config(const uint8_t* peer_addr, esp_now_rate_config_t* config) {
  return when_init([peer_addr, config](ChipState& s) {
    if (!peer_addr || !config || !s.link.is_peer_exist(espnow::detail::mac_from(peer_addr))) return ESP_ERR_ESPNOW_ARG;
    return s.link.set_rate(static_cast<espnow::PhyRate>(config->rate)) ? ESP_ERR_ESPNOW_ARG : ESP_OK;
  });
}

esp_err_t esp_now_get_peer(const uint8_t* peer_addr, esp_now_peer_info_t* peer) {
  return when_init([peer_addr, peer](ChipState& s) {
    if (!peer_addr || !peer) return ESP_ERR_ESPNOW_ARG;
    PeerInfo p;
    if (auto ec = s.link.get_peer(espnow::detail::mac_from(peer_addr), p)) return to_esp_err(ec);
    *peer = espnow::detail::to_esp_peer(p);
    return ESP_OK;
  });
}

esp_err_t esp_now_fetch_peer(bool from_head, esp_now_peer_info_t* peer) {
  return when_init([from_head, peer](ChipState& s) {
    if (!peer) return ESP_ERR_ESPNOW_ARG;
    PeerInfo p;
    if (auto ec = s.link.fetch_peer(from_head, p)) return to_esp_err(ec);
    *peer = espnow::detail::to_esp_peer(p);
    return ESP_OK;
  });
}

bool esp_now_is_peer_exist(const uint8_t* peer_addr) {
  ChipState& s = chip();
  return peer_addr && s.espnow_init.load() && s.link.is_peer_exist(espnow::detail::mac_from(peer_addr));
}

esp_err_t esp_now_get_peer_num(esp_now_peer_num_t* num) {
  return when_init([num](ChipState& s) {
    if (!num) return ESP_ERR_ESPNOW_ARG;
    espnow::PeerCount n;
    if (auto ec = s.link.get_peer_num(n)) return to_esp_err(ec);
    num->total_num = n.total;
    num->encrypt_num = n.encrypted;
    return ESP_OK;
  });
}

esp_err_t esp_now_set_pmk(const uint8_t* pmk) {
  return when_init([pmk](ChipState& s) {
    if (!pmk) return ESP_ERR_ESPNOW_ARG;
    return to_esp_err(s.link.set_pmk(std::span<const uint8_t, ESP_NOW_KEY_LEN>(pmk, ESP_NOW_KEY_LEN)));
  });
}

esp_err_t esp_now_set_wake_window(uint16_t) {
  return when_init([](ChipState&) { return ESP_OK; });
}

}  // extern "C"
