// Link: the ESP-IDF esp_now contract (docs/esp-idf.md) as a C++ interface. ESPNow
// (the API layer) sees only this. SoftLink implements it on a Radio; IdfLink
// implements it on the real esp_now_* functions of a device build.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <system_error>

#include "espnow/common/errors.hpp"
#include "espnow/wire/mac_address.hpp"
#include "espnow/radio/radio.hpp"

namespace espnow {

using Key = std::array<std::uint8_t, 16>;

// esp_now_peer_info_t.
struct PeerInfo {
  MacAddress mac;
  Key lmk{};
  std::uint8_t channel = 0;  // 0: the current channel
  Interface ifidx = Interface::sta;
  bool encrypt = false;
};

// esp_now_peer_num_t.
struct PeerCount {
  int total = 0;
  int encrypted = 0;
};

// esp_now_recv_info_t: who sent a received frame, to whom, and how the
// radio heard it. The message itself travels beside it.
struct RecvInfo {
  MacAddress src;
  MacAddress dst;
  RxControl rx_ctrl{};
};

// Frames the link received and did not pass up, by reason.
struct LinkStats {
  std::uint64_t rx_frames = 0;       // frames handed up to the receive callback
  std::uint64_t rx_malformed = 0;    // an ESP-NOW frame that failed to decode (bad FCS, element length, ...);
                                     // other frames (beacons, data, other action frames) are not ESP-NOW's
  std::uint64_t rx_not_for_us = 0;   // addressed to another device
  std::uint64_t rx_duplicates = 0;   // a retry of a frame already received
  std::uint64_t rx_encrypted = 0;    // encrypted, from a sender not registered with a key
  std::uint64_t rx_too_long = 0;     // v2 messages over 250 bytes at a v1 device
  std::uint64_t rx_mic_failures = 0; // wrong key (LMK or PMK), or altered in flight
  std::uint64_t rx_replayed = 0;     // a packet number already accepted from that sender
  std::uint64_t rx_old_pn = 0;       // a packet number below the last one accepted
};

// Why a received frame was dropped, one reason per LinkStats counter (and
// buffer_full for ESPNow's stats().rx_dropped). Duplicates (MAC retries of a
// frame already delivered) and frames for other devices lose nothing and are
// not reported as drops.
enum class DropReason : std::uint8_t {
  malformed,         // rx_malformed
  unknown_sender,    // rx_encrypted: encrypted, from a sender with no key registered
  mic_failure,       // rx_mic_failures
  replayed,          // rx_replayed
  old_pn,            // rx_old_pn
  too_long,          // rx_too_long
  buffer_full,       // ESPNow's rx_dropped: the receive buffer had no room
};
inline constexpr int kDropReasons = 7;
// A stable identifier for scripts, e.g. "mic_failure".
constexpr std::string_view drop_reason_name(DropReason r) {
  constexpr std::string_view names[kDropReasons] = {"malformed", "unknown_sender", "mic_failure", "replayed",
                                                    "old_pn",    "too_long",       "buffer_full"};
  return names[static_cast<int>(r)];
}

enum class SendStatus : std::uint8_t { success = 0, fail = 1 };

class Link {
 public:
  // Both run in the link's delivery context (the Wi-Fi task on a device):
  // hand over and return. Plain function pointers: no allocation, no RTTI.
  using RecvCallback = void (*)(void* ctx, const RecvInfo& info, std::span<const std::uint8_t> data);
  using SendCallback = void (*)(void* ctx, const MacAddress& dst, SendStatus status);

  virtual ~Link() = default;

  virtual std::error_code init() = 0;
  virtual std::error_code deinit() = 0;  // also removes every peer
  virtual bool initialized() const = 0;
  virtual void register_recv_cb(RecvCallback cb, void* ctx) = 0;
  virtual void register_send_cb(SendCallback cb, void* ctx) = 0;

  // dst == nullptr sends to every unicast peer. One send report per target,
  // in send order. The data may be reused as soon as this returns.
  virtual std::error_code send(const MacAddress* dst, std::span<const std::uint8_t> data) = 0;

  virtual std::error_code add_peer(const PeerInfo& peer) = 0;
  virtual std::error_code mod_peer(const PeerInfo& peer) = 0;
  virtual std::error_code del_peer(const MacAddress& mac) = 0;
  virtual std::error_code get_peer(const MacAddress& mac, PeerInfo& out) const = 0;
  // Walks the unicast peers (broadcast and multicast are skipped).
  virtual std::error_code fetch_peer(bool from_head, PeerInfo& out) = 0;
  virtual bool is_peer_exist(const MacAddress& mac) const = 0;
  virtual std::error_code get_peer_num(PeerCount& out) const = 0;

  virtual std::error_code set_pmk(std::span<const std::uint8_t, 16> pmk) = 0;
  virtual std::error_code set_rate(PhyRate rate) = 0;
  virtual std::size_t max_data_len() const = 0;
  // ESP-NOW protocol version 1 (250-byte messages) or 2 (1470, ESP-IDF >= 5.4).
  // A link that cannot change it (a device build) reports errc::arg.
  virtual int protocol_version() const { return max_data_len() > 250 ? 2 : 1; }
  virtual std::error_code set_protocol_version(int version) {
    return version == protocol_version() ? std::error_code{} : make_error_code(errc::arg);
  }

  // Receive-side counters beyond the seeds' stats() (what was dropped, and
  // why); a link that cannot tell reports zeros.
  virtual LinkStats link_stats() const { return {}; }
  // Reports each frame dropped (a DropReason and the sender; a zero MAC when
  // the frame is too broken to name one), in the delivery context: hand over
  // and return. nullptr removes it; once that returns, it is not running.
  // A link that cannot tell never calls it.
  using DropCallback = void (*)(void* ctx, DropReason reason, const MacAddress& src);
  virtual void set_drop_observer(DropCallback cb, void* ctx) { (void)cb, (void)ctx; }

  // The WLAN state ESP-NOW depends on.
  virtual bool interface_active(Interface i) const = 0;
  virtual std::uint8_t channel() const = 0;
  virtual MacAddress mac(Interface i) const = 0;
};

}  // namespace espnow
