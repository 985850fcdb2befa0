// The shared virtual air between processes: every radio frame travels as one
// UDP multicast datagram (air_datagram.hpp). Each process applies the same
// physics as the in-process air on receipt (channel, RSSI from positions,
// sensitivity, seeded loss) and delivers to its own radios. The process that
// owns a unicast's destination answers with an 802.11 ACK datagram; the
// sender retries until ACKed, then reports failure, as on the in-process air.
//
// The default air is host-local: udp://239.255.0.1:47474, sent through
// 127.0.0.1 with TTL 0 and multicast loop on, so nothing leaves the machine.
// LAN mode names an interface and a TTL: udp://239.255.10.20:47000?iface=eth1&ttl=1
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "espnow/air_datagram.hpp"
#include "espnow/clock.hpp"
#include "espnow/result.hpp"
#include "espnow/virtual_radio.hpp"

namespace espnow {

struct AirUrl {
  std::string group = "239.255.0.1";
  std::uint16_t port = 47474;
  std::string iface;  // interface name or IPv4 address; empty = host-local (127.0.0.1)
  int ttl = 0;
  std::string to_string() const;
};

inline constexpr std::string_view kDefaultAirUrl = "udp://239.255.0.1:47474";

struct AirUrlParse {
  AirUrl url;
  std::string error;  // names the part that is wrong; empty when ok
  bool ok() const { return error.empty(); }
};

AirUrlParse parse_air_url(std::string_view text);
// ESPNOW_AIR if set, else the default air.
AirUrlParse air_url_from_environment();

struct UdpAirOptions {
  std::uint64_t seed = 0;  // for loss and backoff; 0 picks one per process
  double loss = 0.0;       // probability that a frame or an ACK is lost on receipt
  bool timing = false;     // airtime delays each transmission (per radio; no shared medium)
  PathLoss path_loss{};
  int max_retries = 5;
  std::chrono::milliseconds ack_timeout{50};  // generous: the peer is another process
  std::size_t tx_queue_len = 16;
};

struct UdpAirStats {
  std::uint64_t datagrams_sent = 0;
  std::uint64_t datagrams_received = 0;
  std::uint64_t malformed = 0;     // not an air datagram, truncated, bad header
  std::uint64_t wrong_version = 0; // another air protocol version
  std::uint64_t bad_fcs = 0;
  std::uint64_t deliveries = 0;    // frames handed to a local radio
  std::uint64_t lost = 0;          // dropped by the loss model
  std::uint64_t acks_sent = 0;
  std::uint64_t acks_received = 0;
};

// What a sniffer sees: every datagram of the air, any channel.
struct SniffedFrame {
  std::span<const std::uint8_t> frame;  // FCS included
  std::uint8_t channel;
  PhyRate rate;
  Position from;
  double tx_dbm;
  bool own;  // sent by a radio of this process
};

class UdpAir;

class UdpRadio final : public VirtualRadio {
 public:
  ~UdpRadio() override;
  std::uint64_t now_us() const override;
  void set_listener(RadioListener* listener) override;
  std::error_code transmit(std::span<const std::uint8_t> frame, PhyRate rate) override;

 private:
  friend class UdpAir;
  UdpRadio(UdpAir& air, const RadioOptions& options, std::uint64_t id);
  void run_transmission(std::span<std::uint8_t> frame, PhyRate rate);
  void ack_arrived();

  UdpAir& air_;
  std::uint64_t id_;
  RadioListener* listener_ = nullptr;  // guarded by the air's lock
  std::mutex ack_mutex_;
  std::condition_variable ack_cv_;
  bool waiting_for_ack_ = false;
  bool acked_ = false;
  TxQueue queue_;
};

class UdpAir {
 public:
  struct Opened {
    std::unique_ptr<UdpAir> air;
    std::string error;  // says what failed (socket, interface, group) and why
  };
  static Opened open(const AirUrl& url, UdpAirOptions options = {});
  ~UdpAir();
  UdpAir(const UdpAir&) = delete;
  UdpAir& operator=(const UdpAir&) = delete;

  // errc::arg for a group MAC or a bad channel.
  Result<UdpRadio*> add_radio(const RadioOptions& options);
  // Called on the air's receive thread for every datagram; empty to remove.
  void set_sniffer(std::function<void(const SniffedFrame&)> sniffer);
  void set_loss(double probability) { loss_.set_loss(probability); }
  // Puts a frame no radio of this process sent on the air (a bridge relaying
  // from a real radio): no ACK is awaited, and this process's sniffer sees it
  // as its own. False when the datagram could not be sent.
  bool relay(std::span<const std::uint8_t> frame, std::uint8_t channel, PhyRate rate);
  const AirUrl& url() const { return url_; }
  const UdpAirOptions& options() const { return options_; }
  UdpAirStats stats() const;

 private:
  friend class UdpRadio;
  UdpAir(const AirUrl& url, UdpAirOptions options);
  std::string start(const std::string& iface_address);
  void receive_loop();
  void handle(std::span<const std::uint8_t> datagram);
  void handle_ack(const MacAddress& ra, std::uint8_t channel);
  void handle_frame(std::span<const std::uint8_t> frame, const wire::AirHeader& from);
  bool send_datagram(const VirtualRadio& radio, std::uint64_t sender_id, std::span<const std::uint8_t> frame,
                     PhyRate rate);
  bool send_datagram(const wire::AirHeader& header, std::span<const std::uint8_t> frame);

  AirUrl url_;
  UdpAirOptions options_;
  LossModel loss_;
  std::chrono::steady_clock::time_point start_ = process_start();
  std::uint64_t process_id_;
  int socket_ = -1;
  int stop_fd_ = -1;
  std::uint32_t group_addr_ = 0;  // network order

  mutable std::shared_mutex mutex_;  // radios, listeners, sniffer
  std::vector<std::unique_ptr<UdpRadio>> radios_;
  std::function<void(const SniffedFrame&)> sniffer_;
  std::thread receiver_;

  struct Counters {
    std::atomic<std::uint64_t> sent{0}, received{0}, malformed{0}, wrong_version{0}, bad_fcs{0}, deliveries{0},
        lost{0}, acks_sent{0}, acks_received{0};
  } counters_;
};

}  // namespace espnow
