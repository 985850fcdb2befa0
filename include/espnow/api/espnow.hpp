// ESPNow: MicroPython's espnow.ESPNow (docs/behaviour.md) as a C++ class,
// over any Link. Every call is safe from any thread. Every fallible call
// returns a Result (common/result.hpp): ok(), value(), error() (a
// std::error_code) and detail(); never an exception, never a bool.
//
//   ESPNow& e = device.espnow();     // one per device, always the same object
//   e.active(true);                  // Result<void>
//   e.add_peer(peer);
//   auto sent = e.send(peer, bytes("hello"));  // Result<bool>: the bool is "ACKed"
//   if (!sent.ok()) log(error_name(sent.error()));
//   auto r = e.irecv(1000);          // wait up to 1 s
//   if (r.ok() && r->mac) use(*r->mac, r->msg);
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string_view>
#include <thread>
#include <tuple>
#include <utility>
#include <unordered_map>
#include <vector>

#include "espnow/wire/constants.hpp"
#include "espnow/link/link.hpp"
#include "espnow/common/clock.hpp"
#include "espnow/common/result.hpp"

namespace espnow {

namespace detail {
class IrqDispatcher;
class ReceiveQueue;
class SendTracker;
}

// config(rxbuf=...) above this is refused (ESP_ERR_ESPNOW_ARG).
inline constexpr std::int64_t MAX_RXBUF = 16 * 1024 * 1024;

struct Config {
  std::int64_t rxbuf = 526;         // bytes; used at the next active(true). The default
                                    // holds two maximum-size messages of the version.
  std::int64_t timeout_ms = 300000; // default receive timeout; < 0 waits forever
  int version = 1;                  // ESP-NOW protocol: 1 (250 bytes), 2 (1470 bytes)
  // Senders peers_table keeps; past it the one read from longest ago goes
  // (a board's table grows until its heap runs out; a gateway's must not).
  std::int64_t peers_table_max = 1024;
};

// config(rxbuf=..., timeout_ms=..., rate=...): unset fields are left alone.
struct ConfigUpdate {
  std::optional<std::int64_t> rxbuf{};
  std::optional<std::int64_t> timeout_ms{};
  std::optional<std::int64_t> rate{};  // write-only, a RATE_* value
  std::optional<std::int64_t> version{};  // 1 or 2
  std::optional<std::int64_t> peers_table_max{};  // >= 1; applies from the next new sender
};

// add_peer/mod_peer arguments; nullopt is Python's None (keep or default).
struct PeerOptions {
  // A 16-byte key turns encryption on; an empty span (Python b'') turns it off.
  std::optional<std::span<const std::uint8_t>> lmk{};
  std::optional<int> channel{};  // 0..14, 0 = the current channel
  std::optional<int> ifidx{};    // 0 (STA) or 1 (AP)
  std::optional<bool> encrypt{}; // overrides what lmk implied
};

struct Stats {
  std::uint64_t tx_pkts = 0;
  std::uint64_t tx_responses = 0;
  std::uint64_t tx_failures = 0;
  std::uint64_t rx_packets = 0;
  std::uint64_t rx_dropped = 0;
};

struct PeersTableEntry {
  int rssi = 0;              // dBm of the last message read from this peer
  std::uint32_t time_ms = 0; // when it was received, ms since the device started
};

// A received message with its metadata: the seeds' recvinto() list
// [mac, msg, rssi, time_ms]. recv() and async_recv() return a Message, which
// owns its bytes; irecv(), iteration, async_irecv() and recvinto() give a
// MessageView, which views storage the next such call reuses (irecv's own
// buffer, or the caller's for recvinto). A view's `mac` points at the
// peers_table key for the sender: one per MAC, stable while the sender stays
// in the table (see Config::peers_table_max). On a timeout a view's `mac` is
// null and `msg` empty (the seeds' (None, None)).
//
// Both unpack as the seeds' pair, `auto [mac, msg] = ...` (as Python's
// `mac, msg = e.irecv()`); rssi and time_ms are read by name.
struct Message {
  MacAddress mac;
  std::vector<std::uint8_t> msg;
  int rssi = 0;               // dBm
  std::uint32_t time_ms = 0;  // when it arrived, ms since the device started

  template <std::size_t I> auto& get() & { return field<I>(*this); }
  template <std::size_t I> const auto& get() const& { return field<I>(*this); }
  template <std::size_t I> auto&& get() && { return std::move(field<I>(*this)); }

 private:
  template <std::size_t I, class Self> static auto& field(Self& m) {
    if constexpr (I == 0) return m.mac;
    else return m.msg;
  }
};

struct MessageView {
  const MacAddress* mac = nullptr;
  std::span<const std::uint8_t> msg;
  int rssi = 0;
  std::uint32_t time_ms = 0;

  template <std::size_t I> auto get() const {
    if constexpr (I == 0) return mac;
    else return msg;
  }
};

// Lets a blocking call be abandoned, as Ctrl-C abandons one on a board. A
// call given one asks `requested(ctx)` about every 50 ms while it waits,
// with none of ESPNow's locks held, and returns std::errc::interrupted once
// it says yes; ESPNow::interrupt_waits() makes it ask at once. An
// interrupted receive has taken no message; an interrupted send's frames
// already out still count in stats() when they report.
struct Interrupt {
  bool (*requested)(void* ctx) = nullptr;
  void* ctx = nullptr;
};

// A send in flight, for callers that wait their own way (AIOESPNow). It is
// complete when every target has reported; `on_done` then runs once, on the
// link's reporting thread, outside ESPNow's locks. Keep it alive until then.
struct SendTicket {
  int remaining = 0;
  bool failed = false;
  bool done = false;
  // A later target could not be sent (CHAN, IF, ...): as send(sync=True)
  // raises it once the earlier targets have reported, so does the ticket.
  std::error_code error{};
  void (*on_done)(SendTicket*) = nullptr;
  void* user = nullptr;
};

class ESPNow {
 public:
  // `clock` times the waits (the 100 ms and 2 s rules, receive timeouts);
  // a test may give a manual one.
  explicit ESPNow(Link& link, Clock& clock = steady_clock());
  ~ESPNow();
  ESPNow(const ESPNow&) = delete;
  ESPNow& operator=(const ESPNow&) = delete;

  // ---- activation and configuration
  bool active() const { return active_.load(); }
  Result<void> active(bool flag);
  Config config() const;
  // "rxbuf", "timeout_ms", "version" or "peers_table_max"
  Result<std::int64_t> config(std::string_view name) const;
  Result<void> config(const ConfigUpdate& update);

  // ---- peers
  Result<void> add_peer(const MacAddress& mac, const PeerOptions& options = {});
  Result<void> mod_peer(const MacAddress& mac, const PeerOptions& options = {});
  Result<PeerInfo> get_peer(const MacAddress& mac) const;
  Result<std::vector<PeerInfo>> get_peers() const;
  Result<void> del_peer(const MacAddress& mac);
  Result<PeerCount> peer_count() const;
  Result<void> set_pmk(std::span<const std::uint8_t> pmk);

  // ---- sending
  Result<bool> send(const MacAddress& mac, std::span<const std::uint8_t> msg, bool sync = true,
                    const Interrupt* interrupt = nullptr);
  Result<bool> send(std::span<const std::uint8_t> msg);  // to all peers, sync
  Result<bool> send_to_all(std::span<const std::uint8_t> msg, bool sync = true,
                           const Interrupt* interrupt = nullptr);
  // Starts a send without waiting (mac == nullptr: every unicast peer);
  // NO_MEM is returned at once rather than retried. On success the ticket
  // completes later; on error nothing is in flight. When a later target
  // fails after earlier ones went out, it returns success, the ticket
  // completes with that `error`, and `*later_error` (if given) gets it now:
  // for a sync=False caller, who raises at once as send(sync=False) does.
  Result<void> start_send(const MacAddress* mac, std::span<const std::uint8_t> msg, SendTicket& ticket,
                          std::error_code* later_error = nullptr);

  // ---- receiving; timeout_ms: nullopt = config default, 0 = now, < 0 = forever
  Result<std::optional<Message>> recv(std::optional<std::int64_t> timeout_ms = {});
  Result<MessageView> irecv(std::optional<std::int64_t> timeout_ms = {});
  // Returns the length, 0 on timeout; `message` (if given) gets the sender,
  // rssi and time_ms, and `msg` viewing the start of `buffer`. A message
  // longer than `buffer` is std::errc::message_size (EMSGSIZE) and stays buffered.
  Result<std::size_t> recvinto(std::span<std::uint8_t> buffer, MessageView* message = nullptr,
                               std::optional<std::int64_t> timeout_ms = {}, const Interrupt* interrupt = nullptr);
  Result<bool> any() const;
  // Makes every call now blocked with an Interrupt ask it at once rather
  // than at its next 50 ms poll: for whoever has just raised what it asks
  // about (a signal whose handler runs a board's timer callback on time).
  void interrupt_waits();

  // ---- notification
  // Called (on ESPNow's own dispatcher thread) once per buffered message;
  // an empty function removes it.
  void irq(std::function<void(ESPNow&)> callback);
  // Returns once every irq call owed for the messages buffered so far has
  // been made and has returned: a barrier, so a test can say "no further
  // call comes" without waiting on the clock. Inside a callback it returns
  // at once.
  void wait_irq_idle();
  // A hook for event loops (AIOESPNow): `fn(ctx)` runs on the delivering
  // thread after each message is buffered, and on active(false)'s thread once
  // the buffer is closed (waiting receives then find NOT_INIT, as blocked
  // ones do). It must only hand over (post) and return. nullptr removes it; after that returns, it is not running.
  void set_rx_notify(void (*fn)(void*), void* ctx);
  bool readable() const;  // a message is buffered
  bool writable() const;  // no send responses outstanding
  // An eventfd that is readable while a message is buffered.
  Result<int> fileno();

  Stats stats() const;
  // Why received frames were dropped before the ring (MIC failures, replays,
  // unknown encrypted senders, v2 messages at a v1 device...): the extended
  // counterpart of stats(), whose 5-tuple stays as the seeds define it.
  LinkStats link_stats() const { return link_.link_stats(); }
  // Reports each received frame that was dropped, with its sender: by the
  // link (the link_stats() reasons) or for want of buffer room
  // (stats().rx_dropped). `fn` runs on the delivering thread: it must only
  // hand over and return. nullptr removes it; once that returns, it is not running.
  void set_drop_observer(Link::DropCallback fn, void* ctx);
  std::vector<std::pair<MacAddress, PeersTableEntry>> peers_table() const;
  // Senders dropped from peers_table to stay within peers_table_max.
  std::uint64_t peers_table_evictions() const { return peers_evictions_.load(); }
  std::size_t peers_table_size() const { return peers_size_.load(); }
  Link& link() const { return link_; }
  // What times its waits; AIOESPNow and the binding time their NO_MEM retries by it too.
  Clock& clock() const { return clock_; }
  std::size_t rx_bytes_used() const;

  // `for (auto [mac, msg] : e)`: irecv() forever with the default timeout;
  // mac is null on a timeout; the loop ends only on an error (e.g. NOT_INIT).
  class Iterator;
  Iterator begin();
  std::default_sentinel_t end() { return {}; }

 private:
  static void recv_thunk(void* self, const RecvInfo& info, std::span<const std::uint8_t> data);
  static void send_thunk(void* self, const MacAddress& dst, SendStatus status);
  void on_recv(const RecvInfo& info, std::span<const std::uint8_t> data);
  void on_send_status(SendStatus status);

  Result<bool> send_and_wait(const MacAddress* mac, std::span<const std::uint8_t> msg, bool sync,
                             const Interrupt* interrupt);
  std::size_t collect_targets(const MacAddress* mac, std::array<MacAddress, MAX_TOTAL_PEER_NUM>& out) const;
  std::error_code submit(const MacAddress& target, std::span<const std::uint8_t> msg, SendTicket* ticket,
                         bool wait_for_room, const Interrupt* interrupt = nullptr);
  std::error_code try_submit(const MacAddress& target, std::span<const std::uint8_t> msg, SendTicket* ticket);
  std::error_code wait_outstanding(const Interrupt* interrupt);
  std::error_code wait_ticket(SendTicket& ticket, const Interrupt* interrupt);
  void forget_ticket(SendTicket& ticket);
  void give_up(SendTicket& ticket, std::size_t count, std::error_code error);
  void fail_all_pending();

  Result<std::size_t> pop_message(std::span<std::uint8_t> out, MessageView* message, std::optional<std::int64_t> timeout,
                                  const Interrupt* interrupt = nullptr);
  std::error_code check_receive_ready() const;
  std::int64_t rxbuf_locked() const;
  void signal_readable_locked(bool readable);
  Result<void> apply_peer_options(PeerInfo& peer, const PeerOptions& options) const;
  void mirror_add(const MacAddress& mac);
  void mirror_remove(const MacAddress& mac);

  Link& link_;
  Clock& clock_;
  std::atomic<bool> active_{false};
  std::atomic<std::uint64_t> interrupt_calls_{0};  // interrupt_waits(): a wait that sees it change asks at once

  mutable std::mutex state_mutex_;  // config, peer mirror, activation
  Config config_;
  bool rxbuf_set_ = false;  // otherwise rxbuf follows the version
  std::array<MacAddress, MAX_TOTAL_PEER_NUM> peers_{};
  std::size_t peer_count_ = 0;

  // The protocol lives in two I/O-free cores (src/api/send_tracker.hpp,
  // receive_queue.hpp); this class is their shell: it locks, waits on
  // clock_, signals the eventfd and runs completions and callbacks.
  std::mutex tx_mutex_;  // keeps link sends and the pending queue in one order
  mutable std::mutex status_mutex_;  // guards tx_
  std::condition_variable status_cv_;
  std::unique_ptr<detail::SendTracker> tx_;

  mutable std::mutex rx_mutex_;  // guards rx_ and irecv_buf_
  std::condition_variable rx_cv_;
  std::unique_ptr<detail::ReceiveQueue> rx_;
  std::vector<std::uint8_t> irecv_buf_;
  // Mirrors of rx_, readable without the lock.
  std::atomic<std::int64_t> peers_table_max_{Config{}.peers_table_max};
  std::atomic<std::uint64_t> peers_evictions_{0};
  std::atomic<std::size_t> peers_size_{0};
  std::atomic<std::size_t> rx_count_{0};  // messages buffered
  int event_fd_ = -1;
  std::atomic<std::uint64_t> rx_packets_{0}, rx_dropped_{0};

  std::mutex rx_notify_mutex_;
  void (*rx_notify_)(void*) = nullptr;
  void* rx_notify_ctx_ = nullptr;
  std::unique_ptr<detail::IrqDispatcher> irq_;

  std::mutex drop_mutex_;  // held while the drop observer runs
  Link::DropCallback drop_fn_ = nullptr;
  void* drop_ctx_ = nullptr;
};

class ESPNow::Iterator {
 public:
  using value_type = MessageView;
  using difference_type = std::ptrdiff_t;
  explicit Iterator(ESPNow* e) : e_(e) { next(); }
  const MessageView& operator*() const { return current_; }
  Iterator& operator++() {
    next();
    return *this;
  }
  void operator++(int) { next(); }
  bool operator==(std::default_sentinel_t) const { return done_; }
  std::error_code error() const { return error_; }

 private:
  void next() {
    auto r = e_->irecv();
    if (!r.ok()) {
      done_ = true;
      error_ = r.error();
      return;
    }
    current_ = *r;
  }
  ESPNow* e_;
  MessageView current_;
  bool done_ = false;
  std::error_code error_;
};

inline ESPNow::Iterator ESPNow::begin() { return Iterator(this); }

// Bytes of a string literal or string_view, for send(): e.send(mac, bytes("hi")).
inline std::span<const std::uint8_t> bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace espnow

// Structured bindings see the seeds' pair (mac, msg), not the metadata.
template <> struct std::tuple_size<espnow::Message> : std::integral_constant<std::size_t, 2> {};
template <> struct std::tuple_element<0, espnow::Message> { using type = espnow::MacAddress; };
template <> struct std::tuple_element<1, espnow::Message> { using type = std::vector<std::uint8_t>; };
template <> struct std::tuple_size<espnow::MessageView> : std::integral_constant<std::size_t, 2> {};
template <> struct std::tuple_element<0, espnow::MessageView> { using type = const espnow::MacAddress*; };
template <> struct std::tuple_element<1, espnow::MessageView> { using type = std::span<const std::uint8_t>; };
