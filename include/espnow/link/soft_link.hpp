// SoftLink: our own ESP-NOW stack on a Radio (the part Espressif's closed
// firmware plays on a chip): the peer table, frames built and parsed by
// `wire`, duplicate suppression, send reports from the radio's ACKs.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>

#include "espnow/wire/ccmp.hpp"
#include "espnow/wire/constants.hpp"
#include "espnow/link/detail/delivery_gate.hpp"
#include "espnow/link/detail/peer_table.hpp"
#include "espnow/link/link.hpp"
#include "espnow/radio/radio.hpp"

namespace espnow {

struct SoftLinkOptions {
  std::uint8_t version = 1;  // ESP-NOW protocol version: 1 (250 bytes) or 2 (1470 bytes)
  int max_encrypted_peers = MAX_ENCRYPT_PEER_NUM;  // the seeds' 6; a chip's is its Wi-Fi init config's
  std::uint64_t seed = 0;    // for the per-frame random value; 0: a fresh one per link
  // Every call on the link and every delivery of its radio come from one
  // thread (a discrete-event simulation: espnow sim): receiving then takes
  // no atomic read-modify-write (detail::DeliveryGate), and a callback may
  // deinit() the link. Off: any thread, as the Link contract says.
  bool one_thread = false;
};

class SoftLink final : public Link, private RadioListener {
 public:
  explicit SoftLink(Radio& radio, SoftLinkOptions options = {});
  ~SoftLink() override;
  SoftLink(const SoftLink&) = delete;
  SoftLink& operator=(const SoftLink&) = delete;

  std::error_code init() override;
  std::error_code deinit() override;
  bool initialized() const override { return initialized_.load(); }
  // Register before init(): callbacks are read while the link runs.
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
  int protocol_version() const override { return version_.load(); }
  std::error_code set_protocol_version(int version) override;

  bool interface_active(Interface i) const override { return radio_.interface_active(i); }
  std::uint8_t channel() const override { return radio_.channel(); }
  MacAddress mac(Interface i) const override { return radio_.mac(i); }

  // What ESP-IDF's esp_wifi_init sets from wifi_init_config_t's
  // espnow_max_encrypt_num (the emulated chip's driver calls it).
  void set_max_encrypted_peers(int max_encrypted);

  Radio& radio() const { return radio_; }
  Key pmk() const;
  PhyRate rate() const { return rate_.load(); }
  LinkStats stats() const;
  LinkStats link_stats() const override { return stats(); }
  void set_drop_observer(DropCallback cb, void* ctx) override;

 private:
  void on_frame(std::span<const std::uint8_t> frame, const RxControl& rx_ctrl) override;
  void on_decoded_frame(std::span<const std::uint8_t> frame, const wire::DecodeResult& decoded,
                        const RxControl& rx_ctrl) override;
  // Both: `decoded` is the frame's decode when the radio did it, else null.
  void receive(std::span<const std::uint8_t> frame, const wire::DecodeResult* decoded, const RxControl& rx_ctrl);
  void on_tx_done(const MacAddress& dst, bool acked) override;
  std::error_code send_one(const PeerInfo& peer, std::span<const std::uint8_t> data);
  bool is_duplicate(const MacAddress& src, std::uint16_t sequence, std::uint32_t random, bool retry);
  // Encrypts `frame` for `peer` when it is an encrypted peer; returns the
  // frame to transmit (`frame` itself, or `protected_out`).
  std::span<const std::uint8_t> protect_for(const PeerInfo& peer, std::span<const std::uint8_t> frame,
                                            std::span<std::uint8_t> protected_out, std::error_code& ec);
  // Decrypts an encrypted frame into `plain_out` (and its PN); counts and
  // returns empty on a drop (unknown sender, MIC failure).
  std::span<const std::uint8_t> unprotect(std::span<const std::uint8_t> frame, std::span<std::uint8_t> plain_out,
                                          std::uint64_t& pn);
  bool accept_pn(const MacAddress& src, std::uint64_t pn);
  void update_crypto_locked(const PeerInfo& peer);
  bool addressed_to_us(const MacAddress& dst) const;
  // Adds one to a receive counter: on one thread without a locked instruction.
  void count(std::atomic<std::uint64_t>& counter) {
    if (delivery_.one_thread()) counter.store(counter.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    else ++counter;
  }

  Radio& radio_;
  // What on_frame reads comes first and together: a simulation of thousands
  // of devices (espnow sim) delivers each frame to hundreds of links whose
  // state went cold since their last frame, and each line read is a wait.
  detail::DeliveryGate delivery_;  // open while initialized: see listening_ below; says one_thread
  std::atomic<int> version_;
  RecvCallback recv_cb_ = nullptr;
  void* recv_ctx_ = nullptr;
  struct Counters {
    std::atomic<std::uint64_t> rx_frames{0}, rx_not_for_us{0}, rx_duplicates{0}, rx_malformed{0},
        rx_encrypted{0}, rx_too_long{0}, rx_mic_failures{0}, rx_replayed{0}, rx_old_pn{0};
  } counters_;
  // The duplicate cache: unicast frames only (a broadcast is sent once, never
  // retried), so a broadcast's delivery does not read it.
  std::mutex rx_mutex_;
  struct Seen {
    MacAddress src;
    std::uint16_t sequence;
    std::uint32_t random;
  };
  std::array<Seen, 16> seen_{};
  std::size_t seen_next_ = 0;

  SoftLinkOptions options_;
  std::atomic<bool> initialized_{false};

  // The link stays the radio's listener from the first init() to its end, so
  // that it sees every send report, also those of frames an earlier
  // activation queued: reports come in transmit order, so the first `stale_`
  // after a deinit() are the old activation's and reach nobody. Callbacks
  // pass `delivery_`; deinit() closes it, waiting for those under way.
  std::atomic<bool> listening_{false};
  std::mutex reports_mutex_;
  std::uint64_t in_flight_ = 0;   // frames the radio took and has not reported
  std::uint64_t stale_ = 0;       // of those, queued before the last deinit()
  std::atomic<PhyRate> rate_{PhyRate::r1m};
  SendCallback send_cb_ = nullptr;
  void* send_ctx_ = nullptr;

  mutable std::mutex mutex_;  // peers, PMK, fetch cursor, sequence, random state
  detail::PeerTable peers_;
  Key pmk_{};
  int fetch_cursor_ = 0;
  std::uint16_t sequence_ = 0;
  std::uint64_t random_state_;

  // Per-peer CCMP state for the peers that encrypt (and keep a slot once they
  // did: the transmit PN carries on if they encrypt again). Keyed again when
  // the PMK or the peer's LMK changes; packet numbers are never reused. The
  // slots are allocated with the first encrypted peer, not held by every
  // link: 20 of them are 3.6 kB, most of a link, and most links never
  // encrypt (espnow sim makes one per device, 10,000 on a large field).
  struct PeerCrypto {
    MacAddress mac;
    bool in_use = false;
    std::optional<wire::CcmpCipher> cipher;
    wire::Key128 tk{};  // the cipher's temporal key
    std::uint64_t tx_pn = 0;
    std::uint64_t rx_pn = 0;
    bool rx_seen = false;
  };
  PeerCrypto* crypto_for_locked(const MacAddress& mac);
  std::mutex crypto_mutex_;
  std::unique_ptr<std::array<PeerCrypto, detail::PeerTable::kMaxPeers>> crypto_;  // null until needed

  // Counts a dropped frame and tells the drop observer, if any.
  void drop(std::atomic<std::uint64_t>& counter, DropReason reason, const MacAddress& src);
  std::mutex drop_mutex_;  // held while the observer runs, so removing it waits for a call under way
  DropCallback drop_cb_ = nullptr;
  void* drop_ctx_ = nullptr;
};

}  // namespace espnow
