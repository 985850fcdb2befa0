// IdfLink on esp_now_*. The driver's callbacks run in the Wi-Fi task: they
// only convert and hand over to the Link's callbacks (ESPNow's ring and send
// queue), with no allocation and no blocking.
//
// esp_now has one global callback, so the link that receives it is found
// in a table of live links. On a device the table has one slot: the static
// instance. A host that runs several chips in one process (the ESP-IDF
// emulation) gives each its own IdfLink: there every call selects the link's
// chip first, and a callback finds the link of the chip whose Wi-Fi task runs
// it. IdfLink does not know that host: it asks through two optional C hooks
// (below), which such a host defines and a device does not.
#include "espnow/link/idf_link.hpp"

#include <array>

#include "esp_idf_version.h"
#include "esp_now.h"
#include "esp_wifi.h"
#include "espnow/link/detail/idf_types.hpp"


// The multi-chip hooks. Weak: on a device nobody defines them and they are
// null, so there is one chip, selecting it is nothing and its time is the
// steady clock. A host that runs several chips defines them: the chip the
// calling thread acts on, a switch to another chip that returns the previous
// one, and a chip's clock.
extern "C" {
__attribute__((weak)) void* espnow_idf_current_chip(void);
__attribute__((weak)) void* espnow_idf_select_chip(void* chip);
// The espnow::Clock a chip's time runs on (null: the steady clock).
__attribute__((weak)) void* espnow_idf_chip_clock(void* chip);
}

namespace espnow {
namespace {

using detail::mac_from;

// esp_now_set_peer_rate_config is in 5.1 (5.1.2's headers deprecate the
// interface-wide call in its favour); earlier releases have only the latter.
#if ESP_IDF_VERSION >= ESP_IDF_VERSION_VAL(5, 1, 0)
#define ESPNOW_IDF_HAS_PEER_RATE 1
#else
#define ESPNOW_IDF_HAS_PEER_RATE 0
#endif
using detail::to_error_code;

#ifdef ESP_PLATFORM
constexpr std::size_t kMaxLinks = 1;  // one chip, one static instance
#else
constexpr std::size_t kMaxLinks = 64;  // a host running chips side by side
#endif
void* current_chip() { return espnow_idf_current_chip ? espnow_idf_current_chip() : nullptr; }

// Acts on `chip` for the scope's lifetime.
class ChipScope {
 public:
  explicit ChipScope(void* chip) : previous_(espnow_idf_select_chip ? espnow_idf_select_chip(chip) : nullptr) {}
  ~ChipScope() {
    if (espnow_idf_select_chip) espnow_idf_select_chip(previous_);
  }
  ChipScope(const ChipScope&) = delete;
  ChipScope& operator=(const ChipScope&) = delete;

 private:
  void* previous_;
};

struct Registered {
  std::atomic<void*> chip{nullptr};
  std::atomic<IdfLink*> link{nullptr};
};
std::array<Registered, kMaxLinks> g_links;

// Lock-free, so the Wi-Fi task never waits: a slot is claimed by its link
// pointer, then keyed by its chip.
bool register_link(IdfLink* link, void* chip) {
  for (Registered& r : g_links) {
    IdfLink* expected = nullptr;
    if (r.link.compare_exchange_strong(expected, link)) {
      r.chip = chip;
      return true;
    }
  }
  return false;
}

void unregister_link(IdfLink* link) {
  for (Registered& r : g_links) {
    if (r.link.load() != link) continue;
    r.chip = nullptr;
    r.link = nullptr;
  }
}

const IdfLink* link_for_current_chip() {
  void* chip = current_chip();
  for (Registered& r : g_links)
    if (r.chip.load() == chip)
      if (IdfLink* l = r.link.load()) return l;
  return nullptr;
}

// ESP-IDF 5.0 replaced the receive callback's MAC with esp_now_recv_info_t
// (the 5.0 migration guide), which also brings the destination and rx_ctrl.
#if ESP_IDF_VERSION >= ESP_IDF_VERSION_VAL(5, 0, 0)
PhyRate rate_from(unsigned value) {
  return rate_info(static_cast<std::uint8_t>(value)) ? static_cast<PhyRate>(value) : PhyRate::r1m;
}

void on_recv(const esp_now_recv_info_t* info, const std::uint8_t* data, int len) {
  const IdfLink* link = link_for_current_chip();
  if (!link || !info || !data || len <= 0) return;
  RecvInfo ri{mac_from(info->src_addr), mac_from(info->des_addr)};
  if (const wifi_pkt_rx_ctrl_t* c = info->rx_ctrl) {
    ri.rx_ctrl.rssi_dbm = static_cast<std::int8_t>(c->rssi);
    ri.rx_ctrl.channel = static_cast<std::uint8_t>(c->channel);
    ri.rx_ctrl.rate = rate_from(c->rate);
    ri.rx_ctrl.timestamp_us = c->timestamp;
  }
  link->deliver(ri, {data, static_cast<std::size_t>(len)});
}
#else
// Before 5.0 only the sender is known: no RSSI, and the destination is taken
// to be this device.
void on_recv(const std::uint8_t* mac, const std::uint8_t* data, int len) {
  const IdfLink* link = link_for_current_chip();
  if (!link || !mac || !data || len <= 0) return;
  RecvInfo ri{mac_from(mac), link->mac(Interface::sta)};
  ri.rx_ctrl.channel = link->channel();
  link->deliver(ri, {data, static_cast<std::size_t>(len)});
}
#endif

// ESP-IDF 5.5 passes esp_now_send_info_t instead of the destination MAC.
#if ESP_IDF_VERSION >= ESP_IDF_VERSION_VAL(5, 5, 0)
void on_send(const esp_now_send_info_t* info, esp_now_send_status_t status) {
  const IdfLink* link = link_for_current_chip();
  if (!link || !info || !info->des_addr) return;
  link->report(mac_from(info->des_addr), status == ESP_NOW_SEND_SUCCESS ? SendStatus::success : SendStatus::fail);
}
#else
void on_send(const std::uint8_t* mac, esp_now_send_status_t status) {
  const IdfLink* link = link_for_current_chip();
  if (!link || !mac) return;
  link->report(mac_from(mac), status == ESP_NOW_SEND_SUCCESS ? SendStatus::success : SendStatus::fail);
}
#endif

}  // namespace

IdfLink::IdfLink() : chip_(current_chip()) {}

IdfLink::~IdfLink() { (void)deinit(); }

void IdfLink::register_recv_cb(RecvCallback cb, void* ctx) {
  recv_cb_ = cb;
  recv_ctx_ = ctx;
}

void IdfLink::register_send_cb(SendCallback cb, void* ctx) {
  send_cb_ = cb;
  send_ctx_ = ctx;
}

void IdfLink::deliver(const RecvInfo& info, std::span<const std::uint8_t> data) const {
  if (recv_cb_) recv_cb_(recv_ctx_, info, data);
}

void IdfLink::report(const MacAddress& dst, SendStatus status) const {
  if (send_cb_) send_cb_(send_ctx_, dst, status);
}

std::error_code IdfLink::init() {
  ChipScope scope(chip_);
  if (initialized_.load()) return {};
  if (!register_link(this, chip_)) return errc::no_mem;
  esp_err_t e = esp_now_init();
  if (e == ESP_OK) e = esp_now_register_recv_cb(&on_recv);
  if (e == ESP_OK) e = esp_now_register_send_cb(&on_send);
  if (e != ESP_OK) {
    (void)esp_now_deinit();
    unregister_link(this);
    return to_error_code(e);
  }
  initialized_ = true;
  return {};
}

// The driver forgets its peers with esp_now_deinit, as Link requires.
std::error_code IdfLink::deinit() {
  ChipScope scope(chip_);
  if (!initialized_.exchange(false)) return {};
  (void)esp_now_unregister_recv_cb();
  (void)esp_now_unregister_send_cb();
  const esp_err_t e = esp_now_deinit();
  unregister_link(this);
  return to_error_code(e);
}

std::error_code IdfLink::send(const MacAddress* dst, std::span<const std::uint8_t> data) {
  ChipScope scope(chip_);
  return to_error_code(esp_now_send(dst ? dst->bytes.data() : nullptr, data.data(), data.size()));
}

std::error_code IdfLink::add_peer(const PeerInfo& peer) {
  ChipScope scope(chip_);
  const esp_now_peer_info_t p = detail::to_esp_peer(peer);
  if (auto ec = to_error_code(esp_now_add_peer(&p))) return ec;
  return apply_rate_to_peer(peer.mac);
}

std::error_code IdfLink::mod_peer(const PeerInfo& peer) {
  ChipScope scope(chip_);
  const esp_now_peer_info_t p = detail::to_esp_peer(peer);
  return to_error_code(esp_now_mod_peer(&p));
}

std::error_code IdfLink::del_peer(const MacAddress& mac) {
  ChipScope scope(chip_);
  return to_error_code(esp_now_del_peer(mac.bytes.data()));
}

std::error_code IdfLink::get_peer(const MacAddress& mac, PeerInfo& out) const {
  ChipScope scope(chip_);
  esp_now_peer_info_t p{};
  if (auto ec = to_error_code(esp_now_get_peer(mac.bytes.data(), &p))) return ec;
  out = detail::to_peer_info(p);
  return {};
}

std::error_code IdfLink::fetch_peer(bool from_head, PeerInfo& out) {
  ChipScope scope(chip_);
  esp_now_peer_info_t p{};
  if (auto ec = to_error_code(esp_now_fetch_peer(from_head, &p))) return ec;
  out = detail::to_peer_info(p);
  return {};
}

bool IdfLink::is_peer_exist(const MacAddress& mac) const {
  ChipScope scope(chip_);
  return esp_now_is_peer_exist(mac.bytes.data());
}

std::error_code IdfLink::get_peer_num(PeerCount& out) const {
  ChipScope scope(chip_);
  esp_now_peer_num_t n{};
  if (auto ec = to_error_code(esp_now_get_peer_num(&n))) return ec;
  out = {n.total_num, n.encrypt_num};
  return {};
}

std::error_code IdfLink::set_pmk(std::span<const std::uint8_t, 16> pmk) {
  ChipScope scope(chip_);
  return to_error_code(esp_now_set_pmk(pmk.data()));
}

// The per-peer rate call (ESP-IDF 5.x, the only one from 6.0) needs ESP-NOW
// up and the peer registered, but `rate` may be set before either: the rate
// is remembered and applied to each peer as it is added. While ESP-IDF still
// has the interface-wide call (before 6.0), it sets the default for every
// peer too, which is what the seeds' config(rate=...) means.
std::error_code IdfLink::set_rate(PhyRate rate) {
  ChipScope scope(chip_);
  if (!rate_info(static_cast<std::uint8_t>(rate))) return errc::arg;
  rate_ = static_cast<int>(rate);
#if ESP_IDF_VERSION < ESP_IDF_VERSION_VAL(6, 0, 0)
  for (Interface i : {Interface::sta, Interface::ap}) {
    if (!interface_active(i)) continue;
    if (auto ec = to_error_code(esp_wifi_config_espnow_rate(detail::to_wifi_if(i), static_cast<wifi_phy_rate_t>(rate))))
      return ec;
  }
#endif
  if (!ESPNOW_IDF_HAS_PEER_RATE || !initialized_.load()) return {};
  esp_now_peer_info_t p{};
  for (bool head = true; esp_now_fetch_peer(head, &p) == ESP_OK; head = false)
    if (auto ec = apply_rate_to_peer(mac_from(p.peer_addr))) return ec;
  const MacAddress broadcast = MacAddress::broadcast();
  return esp_now_is_peer_exist(broadcast.bytes.data()) ? apply_rate_to_peer(broadcast) : std::error_code{};
}

std::error_code IdfLink::apply_rate_to_peer([[maybe_unused]] const MacAddress& mac) const {
#if ESPNOW_IDF_HAS_PEER_RATE
  const int rate = rate_.load();
  if (rate < 0) return {};
  esp_now_rate_config_t config{};
  config.phymode = is_long_range(static_cast<PhyRate>(rate)) ? WIFI_PHY_MODE_LR
                   : rate_info(static_cast<PhyRate>(rate)).modulation == Modulation::ofdm ? WIFI_PHY_MODE_11G
                                                                                            : WIFI_PHY_MODE_11B;
  config.rate = static_cast<wifi_phy_rate_t>(rate);
  return to_error_code(esp_now_set_peer_rate_config(mac.bytes.data(), &config));
#else
  return {};
#endif
}

int IdfLink::protocol_version() const {
#ifdef ESP_NOW_MAX_DATA_LEN_V2
  ChipScope scope(chip_);
  std::uint32_t version = 1;
  return esp_now_get_version(&version) == ESP_OK && version >= 2 ? 2 : 1;
#else
  return 1;
#endif
}

std::size_t IdfLink::max_data_len() const {
#ifdef ESP_NOW_MAX_DATA_LEN_V2
  if (protocol_version() >= 2) return ESP_NOW_MAX_DATA_LEN_V2;
#endif
  return ESP_NOW_MAX_DATA_LEN;
}

// What esp_wifi tells: the interface is part of the running mode.
bool IdfLink::interface_active(Interface i) const {
  ChipScope scope(chip_);
  wifi_mode_t mode = WIFI_MODE_NULL;
  if (esp_wifi_get_mode(&mode) != ESP_OK) return false;
  return mode == WIFI_MODE_APSTA || mode == (i == Interface::ap ? WIFI_MODE_AP : WIFI_MODE_STA);
}

std::uint8_t IdfLink::channel() const {
  ChipScope scope(chip_);
  std::uint8_t primary = 0;
  wifi_second_chan_t second = WIFI_SECOND_CHAN_NONE;
  return esp_wifi_get_channel(&primary, &second) == ESP_OK ? primary : 0;
}

Clock& IdfLink::clock() const {
  void* clock = espnow_idf_chip_clock ? espnow_idf_chip_clock(chip_) : nullptr;
  return clock ? *static_cast<Clock*>(clock) : steady_clock();
}

MacAddress IdfLink::mac(Interface i) const {
  ChipScope scope(chip_);
  MacAddress m{};
  (void)esp_wifi_get_mac(detail::to_wifi_if(i), m.bytes.data());
  return m;
}

}  // namespace espnow
