// The shared simulated air between processes: every radio frame travels as one
// UDP multicast datagram (air_datagram.hpp). Each process applies the same
// physics as the in-process air on receipt (channel, RSSI from positions,
// sensitivity, seeded loss) and delivers to its own radios. The process that
// owns a unicast's destination answers with an 802.11 ACK datagram naming the
// frame; the sender retries until ACKed, then reports failure.
//
// The processes of an air tell each other which radios they have (MACs,
// channels, positions, states: a presence datagram on joining, on every
// change, every second, and a goodbye on leaving), so a unicast to a MAC that
// no radio able to hear it owns fails after its attempts within a few
// milliseconds, as on a chip, instead of waiting for ACKs that cannot come.
// Each radio keeps a window of frames in flight; receivers deliver each
// sender's frames to a destination in order and once, as stop and wait would.
//
// The default air is host-local: udp://239.255.0.1:47474, sent through
// 127.0.0.1 with TTL 0 and multicast loop on, so nothing leaves the machine.
// LAN mode names an interface and a TTL: udp://239.255.10.20:47000?iface=eth1&ttl=1
#pragma once

#include <array>
#include <atomic>
#include <condition_variable>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "espnow/wire/air_datagram.hpp"
#include "espnow/common/clock.hpp"
#include "espnow/common/result.hpp"
#include "espnow/radio/air_radio.hpp"
#include "espnow/radio/tx_machine.hpp"

namespace espnow {

struct AirUrl {
  std::string group = "239.255.0.1";
  std::uint16_t port = 47474;
  std::string iface;  // interface name or IPv4 address; empty = host-local (127.0.0.1)
  int ttl = 0;
  std::string to_string() const;
};

inline constexpr std::string_view kDefaultAirUrl = "udp://239.255.0.1:47474";

// A URL that does not parse is std::errc::invalid_argument, its detail naming
// the part that is wrong.
Result<AirUrl> parse_air_url(std::string_view text);
// ESPNOW_AIR if set, else the default air.
Result<AirUrl> air_url_from_environment();

struct UdpAirOptions {
  std::uint64_t seed = 0;  // for loss and backoff; 0 picks one per process
  double loss = 0.0;       // probability that a frame or an ACK is lost on receipt
  bool timing = false;     // airtime delays each transmission (per radio; no shared medium)
  PathLoss path_loss{};
  int max_retries = 5;
  std::chrono::milliseconds ack_timeout{50};  // generous: the peer is another process
  // A board's Wi-Fi driver holds 32 frames by default
  // (CONFIG_ESP_WIFI_DYNAMIC_TX_BUFFER_NUM) before esp_now_send says NO_MEM.
  // The window is what keeps a stream between processes from waiting on
  // every ACK's round trip: 16 held a stream to 0.46-0.57 of raw multicast,
  // 32 gave 0.59-0.86 in interleaved runs (docs/performance.md).
  std::size_t tx_queue_len = 32;
  std::size_t window = 32;  // frames in flight per radio (at most tx_queue_len)
  // After the back-to-back attempts to a MAC known absent, how long a late
  // ACK may still come (from a radio whose announcement is on its way).
  std::chrono::milliseconds absent_ack_wait{10};
  // After open(), a MAC nobody has announced may belong to a process whose
  // answer to our hello is on its way: unicasts to it wait for real ACKs.
  // As long as an announcement interval: every live process announces within
  // one anyway, and a process starved by a loaded machine may answer the
  // hello late (at 100 ms, a listener that did exist was declared absent).
  std::chrono::milliseconds settle{1000};
  // Presence is announced this often; a process not heard for three
  // intervals (it died without a goodbye) is forgotten.
  std::chrono::milliseconds announce_interval{1000};
  std::function<void(std::string_view)> warn = {};  // default: a line on stderr
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
  std::uint64_t announcements_sent = 0;      // presence datagrams
  std::uint64_t announcements_received = 0;  // from other processes
  std::uint64_t absent_failures = 0;  // unicasts failed fast: no radio that could hear them owns the MAC
  std::uint64_t out_of_order = 0;     // frames that overtook an earlier one to the same radio: not ACKed, sent again
  std::uint64_t repeats = 0;          // frames already delivered, sent again (their ACK was lost): ACKed only
  std::uint64_t duplicate_macs = 0;   // MACs another process claims too (each warned once)
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

class UdpRadio final : public AirRadio, private TxMachine::Medium {
 public:
  ~UdpRadio() override;
  std::uint64_t now_us() const override;
  void set_listener(RadioListener* listener) override;
  std::error_code transmit(std::span<const std::uint8_t> frame, PhyRate rate) override;
  std::error_code set_channel(std::uint8_t ch) override;  // announced at once

 private:
  friend class UdpAir;
  using TimePoint = std::chrono::steady_clock::time_point;

  UdpRadio(UdpAir& air, const RadioOptions& options, std::uint64_t id);
  // TxMachine::Medium: the air's datagrams and what it knows of its radios.
  bool reachable(const MacAddress& dst, PhyRate rate) override;
  void send(const TxMachine::Attempt& attempt) override;
  // Sends what is due; returns when something is next due.
  TimePoint pump_locked(TimePoint now);
  // Reports finished frames in transmit order; the caller holds the air's
  // lock (shared). Returns whether any was reported.
  bool report_finished();
  // The receive thread's (under the air's shared lock): an ACK for `tag`, or
  // for the oldest frame awaiting one when untagged (a real radio's, relayed),
  // and for the `more` tags one datagram carried. True when it finished a
  // frame; the caller then calls service().
  bool acks_arrived(std::uint32_t tag, std::span<const std::uint32_t> more);
  // Frames awaiting an ACK from a MAC now known absent give up waiting.
  void presence_changed(TimePoint now);
  TimePoint service(TimePoint now);  // pump, report, pump; the caller holds the air's shared lock
  std::uint64_t state_fingerprint() const;
  // Sends the datagrams the machine made under `tx_lock`, after releasing
  // it: an ACK arriving meanwhile need not wait for the socket.
  void send_made(std::unique_lock<std::mutex>& tx_lock);

  // Datagrams one after another, as the machine made them.
  struct Datagrams {
    std::vector<std::uint8_t> bytes;
    std::vector<std::size_t> ends;
  };

  UdpAir& air_;
  std::uint64_t id_;
  RadioListener* listener_ = nullptr;  // guarded by the air's lock
  std::mutex report_mutex_;            // one reporter at a time, so reports keep their order; before tx_mutex_
  std::mutex tx_mutex_;                // the machine
  Datagrams made_;                     // guarded by tx_mutex_: made by the machine, not sent yet
  std::mutex send_mutex_;              // after tx_mutex_, taken before it is released: datagrams leave in order
  Datagrams sending_;                  // guarded by send_mutex_
  std::vector<TxSlot> slots_;
  TxMachine machine_;
  std::atomic<std::uint64_t> announced_fingerprint_{0};
};

class UdpAir {
 public:
  // A failure's code is the system's (errno), or std::errc::no_such_device
  // for an iface with no IPv4 address; its detail says what failed (socket,
  // interface, group) and why.
  static Result<std::unique_ptr<UdpAir>> open(const AirUrl& url, UdpAirOptions options = {});
  ~UdpAir();
  UdpAir(const UdpAir&) = delete;
  UdpAir& operator=(const UdpAir&) = delete;

  static constexpr std::size_t kMaxRadios = 1024;

  // errc::arg for a group MAC or a bad channel; errc::no_mem beyond kMaxRadios.
  Result<UdpRadio*> add_radio(const RadioOptions& options);
  // Called on the air's receive thread for every frame; empty to remove.
  void set_sniffer(std::function<void(const SniffedFrame&)> sniffer);
  void set_loss(double probability) { loss_.set_loss(probability); }
  // Puts a frame no radio of this process sent on the air (a bridge relaying
  // from a real radio): no ACK is awaited, and this process's sniffer sees it
  // as its own. False when the datagram could not be sent. Also serves as
  // bridge on `channel` (below).
  bool relay(std::span<const std::uint8_t> frame, std::uint8_t channel, PhyRate rate);
  // Announces that this process relays a real radio's frames on `channel`:
  // every process then waits for a real ACK for a unicast on that channel to
  // a MAC no radio of the air owns (it may be a real device's).
  void serve_as_bridge(std::uint8_t channel);
  // True once the settle time after open() has passed: from then on, a
  // unicast to a MAC nobody announced fails fast.
  bool settled() const;
  // The radios other processes on the air have announced, as last heard.
  std::vector<wire::RadioPresence> remote_radios() const;
  const AirUrl& url() const { return url_; }
  const UdpAirOptions& options() const { return options_; }
  UdpAirStats stats() const;

 private:
  friend class UdpRadio;
  using TimePoint = std::chrono::steady_clock::time_point;
  struct ProcessPresence {
    std::uint64_t process = 0;
    TimePoint heard{};
    wire::Presence presence;
  };
  struct StreamKey {
    std::uint64_t sender = 0;
    MacAddress dst;
    bool operator==(const StreamKey&) const = default;
  };
  struct StreamKeyHash {
    std::size_t operator()(const StreamKey& k) const noexcept;
  };
  enum class Order : std::uint8_t { next, repeat, early };

  UdpAir(const AirUrl& url, UdpAirOptions options);
  Result<void> start(const std::string& iface_address);
  void receive_loop();
  void drop_own_datagrams(bool on);
  void flush_acks();
  void service_loop();
  void wake_service_by(TimePoint t);
  void handle(std::span<const std::uint8_t> datagram);
  void handle_presence(const wire::AirParse& p);
  void handle_acks(const wire::AirParse& p);
  void handle_frame(std::span<const std::uint8_t> frame, const wire::AirHeader& from);
  Order order(const wire::AirHeader& from, const MacAddress& dst);
  bool send_datagram(const AirRadio& radio, std::uint64_t sender_id, std::span<const std::uint8_t> frame,
                     PhyRate rate, std::uint32_t tag = 0, std::uint32_t stream = 0, std::uint32_t base = 0);
  bool send_datagram(const wire::AirHeader& header, std::span<const std::uint8_t> payload);
  bool send_bytes(std::span<const std::uint8_t> datagram);
  wire::AirHeader frame_header(const AirRadio& radio, std::uint64_t sender_id, PhyRate rate, std::uint32_t tag = 0,
                               std::uint32_t stream = 0, std::uint32_t base = 0) const;
  bool send_control(wire::AirKind kind, std::span<const std::uint8_t> payload = {});
  void announce();
  void announce_if_changed();
  void check_duplicates();
  bool expire_presence(TimePoint now);
  // Whether a radio (of any process) that owns `dst` hears `from` at `rate`;
  // also true while the air settles or when a bridge serves the channel and
  // no radio owns `dst`.
  bool reachable(const UdpRadio& from, const MacAddress& dst, PhyRate rate);
  std::size_t radio_count() const { return radio_count_.load(std::memory_order_acquire); }
  UdpRadio& radio(std::size_t i) const { return *radio_slots_[i].load(std::memory_order_acquire); }

  AirUrl url_;
  UdpAirOptions options_;
  LossModel loss_;
  std::chrono::steady_clock::time_point start_ = process_start();
  TimePoint settle_end_;
  std::uint64_t process_id_;
  int socket_ = -1;
  std::atomic<bool> stop_receiving_{false};
  std::atomic<bool> own_dropped_{false};  // the kernel drops our own looped-back datagrams
  std::uint32_t group_addr_ = 0;  // network order

  // Radios are only added (until the air goes), so readers need no lock: a
  // slot is written before the count that publishes it.
  std::mutex add_mutex_;
  std::vector<std::unique_ptr<UdpRadio>> owned_;
  std::array<std::atomic<UdpRadio*>, kMaxRadios> radio_slots_{};
  std::atomic<std::size_t> radio_count_{0};

  mutable std::shared_mutex mutex_;  // listeners, sniffer: held while calling them
  std::function<void(const SniffedFrame&)> sniffer_;

  std::mutex announce_mutex_;  // one announcement at a time
  std::atomic<std::uint16_t> bridged_channels_{0};

  mutable std::mutex presence_mutex_;  // never held while taking another lock
  std::vector<ProcessPresence> presence_;
  std::vector<std::pair<std::uint64_t, MacAddress>> warned_duplicates_;

  // The receive thread's alone.
  std::unordered_map<StreamKey, std::uint32_t, StreamKeyHash> expected_;
  // ACKs owed for the frames read in this wake-up: sent together, one
  // datagram per acknowledging radio, RA and rate.
  struct OwedAck {
    UdpRadio* radio;
    MacAddress ra;
    PhyRate rate;
    std::uint32_t tag;
  };
  std::vector<OwedAck> owed_acks_;

  std::mutex service_mutex_;
  std::condition_variable service_cv_;
  bool stopping_ = false;
  bool kicked_ = false;          // guarded by service_mutex_: something is due sooner than planned
  bool presence_dirty_ = false;  // guarded by service_mutex_
  std::atomic<std::int64_t> service_wake_ns_{0};  // when the service thread next wakes (steady clock ns)

  std::thread receiver_;
  std::thread servicer_;

  struct Counters {
    std::atomic<std::uint64_t> sent{0}, received{0}, malformed{0}, wrong_version{0}, bad_fcs{0}, deliveries{0},
        lost{0}, acks_sent{0}, acks_received{0}, announcements_sent{0}, announcements_received{0},
        absent_failures{0}, out_of_order{0}, repeats{0}, duplicate_macs{0};
  } counters_;
};

}  // namespace espnow
