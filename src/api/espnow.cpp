#include "espnow/api/espnow.hpp"

#ifdef ESP_PLATFORM
// ESP-IDF's eventfd works once the application has called
// esp_vfs_eventfd_register(), and takes none of Linux's flags.
#include "esp_vfs_eventfd.h"
#define ESPNOW_EVENTFD_FLAGS 0
#else
#include <sys/eventfd.h>
#define ESPNOW_EVENTFD_FLAGS (EFD_NONBLOCK | EFD_CLOEXEC)
#endif
#include <unistd.h>

#include <algorithm>
#include <chrono>

#include "irq_dispatcher.hpp"
#include "rx_ring.hpp"

namespace espnow {
namespace {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

constexpr std::size_t kMaxPendingSends = 64;      // responses owed at once
constexpr auto kSyncWaitLimit = 100ms;             // SPEC §1 send(sync=True), step 1
constexpr auto kNoMemRetryLimit = 2s;              // SPEC §1: retry NO_MEM for up to 2 s
constexpr std::int64_t kMaxRxbuf = 16 * 1024 * 1024;
constexpr auto kInterruptPoll = 50ms;              // how soon an Interrupt is noticed

std::uint32_t to_ms(std::uint64_t us) { return static_cast<std::uint32_t>(us / 1000); }  // wraps as 32-bit

std::error_code interrupted() { return std::make_error_code(std::errc::interrupted); }

// Asks the interrupt with `lock` released: it may take a foreign lock (the
// GIL) whose holder is waiting for ours.
template <class Lock>
bool interrupt_requested(Lock& lock, const Interrupt& interrupt) {
  lock.unlock();
  const bool yes = interrupt.requested(interrupt.ctx);
  lock.lock();
  return yes;
}

// cv.wait until ready() or the deadline (none: no limit); with an interrupt,
// in slices of kInterruptPoll, asking it between them. False if interrupted.
template <class Ready>
bool wait_until(std::unique_lock<std::mutex>& lk, std::condition_variable& cv,
                std::optional<steady::time_point> deadline, const Interrupt* interrupt, Ready ready) {
  if (!interrupt || !interrupt->requested) {
    if (deadline) cv.wait_until(lk, *deadline, ready);
    else cv.wait(lk, ready);
    return true;
  }
  for (;;) {
    const auto slice_end = steady::now() + kInterruptPoll;
    if (cv.wait_until(lk, deadline ? std::min(*deadline, slice_end) : slice_end, ready)) return true;
    if (interrupt_requested(lk, *interrupt)) return false;
    if (ready() || (deadline && steady::now() >= *deadline)) return true;
  }
}

}  // namespace

ESPNow::ESPNow(Link& link)
    : link_(link), ring_(std::make_unique<detail::RxRing>()), irq_(std::make_unique<detail::IrqDispatcher>(*this)) {}

ESPNow::~ESPNow() {
  (void)active(false);
  irq_->stop();  // before the members a running callback may use go
  if (event_fd_ >= 0) ::close(event_fd_);
}

// ------------------------------------------------------------ activation

std::error_code ESPNow::active(bool flag) {
  // Declared before the lock, so released after it: destroying a foreign
  // callback may take a foreign lock (the GIL) whose holder waits for ours.
  std::shared_ptr<const detail::IrqDispatcher::Callback> old_irq;
  std::lock_guard lk(state_mutex_);
  if (flag == active_.load()) return {};
  if (flag) {
    {
      std::lock_guard rl(rx_mutex_);
      ring_->reset(static_cast<std::size_t>(rxbuf_locked()));
      irecv_buf_.assign(MAX_DATA_LEN_V2, 0);  // any version, so a version change needs no resize
    }
    {
      std::lock_guard sl(status_mutex_);
      pending_.assign(kMaxPendingSends, {});
      pending_head_ = pending_count_ = 0;
    }
    link_.register_recv_cb(&ESPNow::recv_thunk, this);
    link_.register_send_cb(&ESPNow::send_thunk, this);
    if (auto ec = link_.init()) return ec;
    active_ = true;
    return {};
  }
  active_ = false;
  (void)link_.deinit();  // no callback runs after this returns
  fail_all_pending();
  {
    std::lock_guard rl(rx_mutex_);
    ring_->clear();
    rx_count_ = 0;
    signal_readable_locked(false);
  }
  rx_cv_.notify_all();  // blocked receivers return NOT_INIT
  peer_count_ = 0;
  old_irq = irq_->replace({});
  return {};
}

// Two maximum-size messages with their overhead, unless set: 526 for v1.
std::int64_t ESPNow::rxbuf_locked() const {
  if (rxbuf_set_) return config_.rxbuf;
  return default_rxbuf(link_.protocol_version());
}

Config ESPNow::config() const {
  std::lock_guard lk(state_mutex_);
  Config c = config_;
  c.rxbuf = rxbuf_locked();
  c.version = link_.protocol_version();
  c.peers_table_max = peers_table_max_.load();
  return c;
}

Result<std::int64_t> ESPNow::config(std::string_view name) const {
  std::lock_guard lk(state_mutex_);
  if (name == "rxbuf") return rxbuf_locked();
  if (name == "timeout_ms") return config_.timeout_ms;
  if (name == "version") return std::int64_t{link_.protocol_version()};
  if (name == "peers_table_max") return peers_table_max_.load();
  return errc::bad_config;
}

std::error_code ESPNow::config(const ConfigUpdate& u) {
  // Everything is checked before anything changes.
  if (u.rxbuf && (*u.rxbuf < 0 || *u.rxbuf > kMaxRxbuf)) return errc::bad_config;
  if (u.version && *u.version != 1 && *u.version != 2) return errc::bad_config;
  if (u.peers_table_max && *u.peers_table_max < 1) return errc::bad_config;
  if (u.rate) {
    if (*u.rate < 0 || *u.rate > 255 || !rate_info(static_cast<std::uint8_t>(*u.rate))) return errc::bad_config;
    if (!link_.interface_active(Interface::sta) && !link_.interface_active(Interface::ap)) return errc::no_entry;
  }
  std::lock_guard lk(state_mutex_);
  // All or nothing: the link may refuse the version (a device build's is
  // fixed) or the rate; the fields that cannot fail change last.
  const int old_version = link_.protocol_version();
  if (u.version) {
    if (auto ec = link_.set_protocol_version(static_cast<int>(*u.version))) return ec;
  }
  if (u.rate) {
    if (auto ec = link_.set_rate(static_cast<PhyRate>(*u.rate))) {
      if (u.version) (void)link_.set_protocol_version(old_version);  // it held a moment ago
      return ec;
    }
  }
  if (u.rxbuf) config_.rxbuf = *u.rxbuf, rxbuf_set_ = true;
  if (u.timeout_ms) config_.timeout_ms = *u.timeout_ms;
  if (u.peers_table_max) peers_table_max_ = *u.peers_table_max;
  return {};
}

// ------------------------------------------------------------------ peers

std::error_code ESPNow::apply_peer_options(PeerInfo& p, const PeerOptions& o) const {
  if (o.lmk) {
    if (o.lmk->empty()) {
      p.lmk = {};
      p.encrypt = false;
    } else if (o.lmk->size() != KEY_LEN) {
      return errc::bad_key;
    } else {
      std::copy(o.lmk->begin(), o.lmk->end(), p.lmk.begin());
      p.encrypt = true;
    }
  }
  if (o.channel) {
    if (*o.channel < 0 || *o.channel > kMaxChannel) return errc::bad_channel;
    p.channel = static_cast<std::uint8_t>(*o.channel);
  }
  if (o.ifidx) {
    if (*o.ifidx != 0 && *o.ifidx != 1) return errc::bad_ifidx;
    p.ifidx = static_cast<Interface>(*o.ifidx);
  }
  if (o.encrypt) p.encrypt = *o.encrypt;
  if (p.encrypt && p.mac.is_multicast()) return errc::arg;  // no keys for groups
  return {};
}

void ESPNow::mirror_add(const MacAddress& mac) {
  if (peer_count_ < peers_.size()) peers_[peer_count_++] = mac;
}

void ESPNow::mirror_remove(const MacAddress& mac) {
  auto end = peers_.begin() + static_cast<std::ptrdiff_t>(peer_count_);
  auto it = std::find(peers_.begin(), end, mac);
  if (it == end) return;
  std::move(it + 1, end, it);
  --peer_count_;
}

std::error_code ESPNow::add_peer(const MacAddress& mac, const PeerOptions& options) {
  if (!active()) return errc::not_init;
  PeerInfo p{.mac = mac};
  if (auto ec = apply_peer_options(p, options)) return ec;
  std::lock_guard lk(state_mutex_);
  if (auto ec = link_.add_peer(p)) return ec;
  mirror_add(mac);
  return {};
}

std::error_code ESPNow::mod_peer(const MacAddress& mac, const PeerOptions& options) {
  if (!active()) return errc::not_init;
  std::lock_guard lk(state_mutex_);
  PeerInfo p;
  if (auto ec = link_.get_peer(mac, p)) return ec;
  if (auto ec = apply_peer_options(p, options)) return ec;
  return link_.mod_peer(p);
}

Result<PeerInfo> ESPNow::get_peer(const MacAddress& mac) const {
  if (!active()) return errc::not_init;
  PeerInfo p;
  if (auto ec = link_.get_peer(mac, p)) return ec;
  return p;
}

Result<std::vector<PeerInfo>> ESPNow::get_peers() const {
  if (!active()) return errc::not_init;
  std::lock_guard lk(state_mutex_);
  std::vector<PeerInfo> out;
  for (std::size_t i = 0; i < peer_count_; ++i) {
    PeerInfo p;
    if (!link_.get_peer(peers_[i], p)) out.push_back(p);
  }
  return out;
}

std::error_code ESPNow::del_peer(const MacAddress& mac) {
  if (!active()) return errc::not_init;
  std::lock_guard lk(state_mutex_);
  if (auto ec = link_.del_peer(mac)) return ec;
  mirror_remove(mac);
  return {};
}

Result<PeerCount> ESPNow::peer_count() const {
  if (!active()) return errc::not_init;
  PeerCount n;
  if (auto ec = link_.get_peer_num(n)) return ec;
  return n;
}

std::error_code ESPNow::set_pmk(std::span<const std::uint8_t> pmk) {
  if (pmk.size() != KEY_LEN) return errc::bad_key;
  if (!active()) return errc::not_init;
  return link_.set_pmk(pmk.first<KEY_LEN>());
}

// ---------------------------------------------------------------- sending

Result<bool> ESPNow::send(const MacAddress& mac, std::span<const std::uint8_t> msg, bool sync,
                          const Interrupt* interrupt) {
  return send_and_wait(&mac, msg, sync, interrupt);
}

Result<bool> ESPNow::send(std::span<const std::uint8_t> msg) { return send_and_wait(nullptr, msg, true, nullptr); }

Result<bool> ESPNow::send_to_all(std::span<const std::uint8_t> msg, bool sync, const Interrupt* interrupt) {
  return send_and_wait(nullptr, msg, sync, interrupt);
}

std::size_t ESPNow::collect_targets(const MacAddress* mac, std::array<MacAddress, MAX_TOTAL_PEER_NUM>& out) const {
  if (mac) {
    out[0] = *mac;
    return 1;
  }
  std::lock_guard lk(state_mutex_);
  std::size_t n = 0;
  for (std::size_t i = 0; i < peer_count_; ++i)
    if (peers_[i].is_unicast()) out[n++] = peers_[i];  // broadcast and groups are skipped
  return n;
}

Result<bool> ESPNow::send_and_wait(const MacAddress* mac, std::span<const std::uint8_t> msg, bool sync,
                                   const Interrupt* interrupt) {
  if (!active()) return errc::not_init;
  if (msg.empty() || msg.size() > link_.max_data_len()) return errc::arg;
  std::array<MacAddress, MAX_TOTAL_PEER_NUM> targets;
  const std::size_t n = collect_targets(mac, targets);
  if (n == 0) return errc::not_found;
  if (sync)
    if (auto ec = wait_outstanding(kSyncWaitLimit, interrupt)) return ec;

  SendTicket ticket;
  ticket.remaining = static_cast<int>(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (auto ec = submit(targets[i], msg, sync ? &ticket : nullptr, true, interrupt)) {
      if (sync) {
        {
          std::lock_guard sl(status_mutex_);
          ticket.remaining -= static_cast<int>(n - i);
          if (ticket.remaining == 0) ticket.done = true;
        }
        // The ones already sent still refer to it.
        if (ec == std::errc::interrupted) forget_ticket(ticket);
        else if (auto wait_ec = wait_ticket(ticket, interrupt)) return wait_ec;
      }
      return ec;
    }
  }
  if (!sync) return true;
  if (auto ec = wait_ticket(ticket, interrupt)) return ec;
  return !ticket.failed;
}

std::error_code ESPNow::start_send(const MacAddress* mac, std::span<const std::uint8_t> msg, SendTicket& ticket,
                                  std::error_code* later_error) {
  if (!active()) return errc::not_init;
  if (msg.empty() || msg.size() > link_.max_data_len()) return errc::arg;
  std::array<MacAddress, MAX_TOTAL_PEER_NUM> targets;
  const std::size_t n = collect_targets(mac, targets);
  if (n == 0) return errc::not_found;
  ticket.remaining = static_cast<int>(n);
  ticket.failed = ticket.done = false;
  ticket.error = {};
  for (std::size_t i = 0; i < n; ++i) {
    const std::error_code ec = submit(targets[i], msg, &ticket, false);
    if (!ec) continue;
    if (i == 0) return ec;  // nothing in flight
    // Some targets are in flight: the ticket completes with the error when they report.
    if (later_error) *later_error = ec;
    void (*cb)(SendTicket*) = nullptr;
    {
      std::lock_guard sl(status_mutex_);
      ticket.failed = true;
      ticket.error = ec;
      ticket.remaining -= static_cast<int>(n - i);
      if (ticket.remaining == 0) ticket.done = true, cb = ticket.on_done;
    }
    if (cb) cb(&ticket);
    return {};
  }
  return {};
}

std::error_code ESPNow::submit(const MacAddress& target, std::span<const std::uint8_t> msg, SendTicket* ticket,
                               bool wait_for_room, const Interrupt* interrupt) {
  std::unique_lock tx(tx_mutex_);  // the pending queue and the link see sends in one order
  const auto deadline = steady::now() + kNoMemRetryLimit;
  auto next_ask = steady::now() + kInterruptPoll;
  for (;;) {
    std::error_code ec;
    {
      std::lock_guard sl(status_mutex_);
      if (pending_count_ == pending_.size()) {
        ec = errc::no_mem;
      } else {
        pending_[(pending_head_ + pending_count_) % pending_.size()] = {ticket};
        ++pending_count_;
        ++tx_pkts_;
      }
    }
    if (!ec) {
      ec = link_.send(&target, msg);
      if (!ec) return {};
      std::lock_guard sl(status_mutex_);  // withdraw our entry: it is the newest
      if (pending_count_ > 0) --pending_count_;
      --tx_pkts_;
    }
    if (ec != errc::no_mem || !wait_for_room || steady::now() >= deadline) return ec;
    {
      std::unique_lock sl(status_mutex_);  // room comes with the next send report
      status_cv_.wait_for(sl, 1ms);
    }
    if (interrupt && interrupt->requested && steady::now() >= next_ask) {
      if (interrupt_requested(tx, *interrupt)) return interrupted();
      next_ask = steady::now() + kInterruptPoll;
    }
  }
}

std::error_code ESPNow::wait_outstanding(std::chrono::milliseconds limit, const Interrupt* interrupt) {
  const auto caught_up = [this] { return tx_responses_.load() >= tx_pkts_.load(); };
  std::unique_lock sl(status_mutex_);
  if (!wait_until(sl, status_cv_, steady::now() + limit, interrupt, caught_up)) return interrupted();
  return caught_up() ? std::error_code{} : make_error_code(errc::timed_out);
}

// Interrupted, the caller returns and its ticket (on its stack) goes.
std::error_code ESPNow::wait_ticket(SendTicket& ticket, const Interrupt* interrupt) {
  std::unique_lock sl(status_mutex_);
  if (wait_until(sl, status_cv_, std::nullopt, interrupt, [&] { return ticket.done; })) return {};
  sl.unlock();
  forget_ticket(ticket);
  return interrupted();
}

// A ticket whose waiter gave up: its sends still in flight stay in the
// pending queue, so their reports keep the counters and the order right,
// but no longer refer to it.
void ESPNow::forget_ticket(SendTicket& ticket) {
  std::lock_guard sl(status_mutex_);
  for (std::size_t i = 0; i < pending_count_; ++i) {
    PendingSend& p = pending_[(pending_head_ + i) % pending_.size()];
    if (p.ticket == &ticket) p.ticket = nullptr;
  }
}

void ESPNow::send_thunk(void* self, const MacAddress&, SendStatus status) {
  static_cast<ESPNow*>(self)->on_send_status(status);
}

void ESPNow::on_send_status(SendStatus status) {
  SendTicket* completed = nullptr;
  void (*cb)(SendTicket*) = nullptr;
  {
    std::lock_guard sl(status_mutex_);
    ++tx_responses_;
    if (status == SendStatus::fail) ++tx_failures_;
    if (pending_count_ > 0) {
      SendTicket* t = pending_[pending_head_].ticket;
      pending_head_ = (pending_head_ + 1) % pending_.size();
      --pending_count_;
      if (t) {
        if (status == SendStatus::fail) t->failed = true;
        if (--t->remaining == 0) {
          cb = t->on_done;  // read before `done`: a waiter may free the ticket
          t->done = true;
          completed = t;
        }
      }
    }
  }
  status_cv_.notify_all();
  if (cb) cb(completed);
}

// Sends the link will never report (it was stopped) count as failed responses,
// so the counters balance and later sync sends do not wait for them.
void ESPNow::fail_all_pending() {
  std::vector<std::pair<void (*)(SendTicket*), SendTicket*>> callbacks;
  {
    std::lock_guard sl(status_mutex_);
    for (; pending_count_ > 0; --pending_count_) {
      SendTicket* t = pending_[pending_head_].ticket;
      pending_head_ = (pending_head_ + 1) % pending_.size();
      ++tx_responses_;
      ++tx_failures_;
      if (t) {
        t->failed = true;
        if (--t->remaining == 0) {
          if (t->on_done) callbacks.emplace_back(t->on_done, t);
          t->done = true;
        }
      }
    }
  }
  status_cv_.notify_all();
  for (auto& [cb, t] : callbacks) cb(t);
}

// -------------------------------------------------------------- receiving

std::error_code ESPNow::check_receive_ready() const {
  if (!active()) return errc::not_init;
  if (!link_.interface_active(Interface::sta) && !link_.interface_active(Interface::ap)) return errc::intf;
  return {};
}

Result<std::size_t> ESPNow::pop_message(std::span<std::uint8_t> out, RecvMeta* meta,
                                        std::optional<std::int64_t> timeout, const Interrupt* interrupt) {
  if (auto ec = check_receive_ready()) return ec;
  const std::int64_t t = timeout ? *timeout : config().timeout_ms;
  if (t == 0 && rx_count_.load(std::memory_order_acquire) == 0) {  // a poller never takes the lock
    if (meta) *meta = {};
    return std::size_t{0};
  }
  std::unique_lock lk(rx_mutex_);
  if (ring_->empty() && t != 0) {
    ++rx_waiters_;
    const auto ready = [this] { return !ring_->empty() || !active_.load(); };
    // Beyond ~35 years a wait is forever; larger values would overflow the clock.
    constexpr std::int64_t kForeverMs = std::int64_t{1} << 40;
    std::optional<steady::time_point> deadline;
    if (t > 0 && t < kForeverMs) deadline = steady::now() + std::chrono::milliseconds(t);
    const bool waited = wait_until(lk, rx_cv_, deadline, interrupt, ready);
    --rx_waiters_;
    if (!waited) return interrupted();  // before taking anything
  }
  if (!active_.load()) return errc::not_init;
  if (ring_->empty()) {
    if (meta) *meta = {};
    return std::size_t{0};
  }
  const detail::RxRecordHeader h = ring_->front();
  if (h.length > out.size()) return errc::buffer_too_small;  // it stays buffered
  ring_->pop(out);
  rx_count_.store(ring_->count(), std::memory_order_release);
  if (ring_->empty()) signal_readable_locked(false);
  const MacAddress* key = record_peer_locked(h.mac, h.rssi, h.time_ms);
  if (meta) *meta = {key, h.rssi, h.time_ms};
  return std::size_t{h.length};
}

// peers_table is updated when the application reads a message (SPEC §1).
// Bounded: a neighbour forging source MACs must not grow a long-running
// device's memory, so past peers_table_max the sender read from longest ago
// goes (a linear scan, only when a new sender arrives at a full table).
const MacAddress* ESPNow::record_peer_locked(const MacAddress& mac, int rssi, std::uint32_t time_ms) {
  auto it = peers_table_.find(mac);
  if (it == peers_table_.end()) {
    while (!peers_table_.empty() && static_cast<std::int64_t>(peers_table_.size()) >= peers_table_max_.load()) {
      peers_table_.erase(std::min_element(peers_table_.begin(), peers_table_.end(), [](const auto& x, const auto& y) {
        return x.second.last_read < y.second.last_read;
      }));
      ++peers_evictions_;
    }
    it = peers_table_.try_emplace(mac).first;
    peers_size_ = peers_table_.size();
  }
  it->second = {{rssi, time_ms}, ++read_count_};
  return &it->first;  // node-based map: the key's address never changes
}

Result<std::optional<Message>> ESPNow::recv(std::optional<std::int64_t> timeout_ms) {
  std::array<std::uint8_t, MAX_DATA_LEN_V2> buf;
  RecvMeta meta;
  auto r = pop_message(buf, &meta, timeout_ms);
  if (!r) return r.error();
  if (!meta.mac) return std::optional<Message>{};
  return std::optional<Message>(Message{*meta.mac, {buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(*r)}});
}

Result<Received> ESPNow::irecv(std::optional<std::int64_t> timeout_ms) {
  RecvMeta meta;
  auto r = pop_message(irecv_buf_, &meta, timeout_ms);
  if (!r) return r.error();
  return Received{meta.mac, std::span<const std::uint8_t>(irecv_buf_).first(*r)};
}

Result<std::size_t> ESPNow::recvinto(std::span<std::uint8_t> buffer, RecvMeta* meta,
                                     std::optional<std::int64_t> timeout_ms, const Interrupt* interrupt) {
  return pop_message(buffer, meta, timeout_ms, interrupt);
}

Result<bool> ESPNow::any() const {
  if (!active()) return errc::not_init;
  std::lock_guard lk(rx_mutex_);
  return !ring_->empty();
}

void ESPNow::recv_thunk(void* self, const RecvInfo& info, std::span<const std::uint8_t> data) {
  static_cast<ESPNow*>(self)->on_recv(info, data);
}

void ESPNow::on_recv(const RecvInfo& info, std::span<const std::uint8_t> data) {
  bool stored;
  {
    std::lock_guard lk(rx_mutex_);
    const bool was_empty = ring_->empty();
    stored = ring_->push({0, info.rssi_dbm, to_ms(info.timestamp_us), info.src}, data);
    rx_count_.store(ring_->count(), std::memory_order_release);
    if (stored && was_empty) signal_readable_locked(true);
    if (stored && rx_waiters_ > 0) rx_cv_.notify_one();
  }
  if (!stored) {
    ++rx_dropped_;  // the sender still saw an ACK: the radio gave it
    std::lock_guard dl(drop_mutex_);
    if (drop_fn_) drop_fn_(drop_ctx_, DropReason::buffer_full, info.src);
    return;
  }
  ++rx_packets_;
  {
    std::lock_guard nl(rx_notify_mutex_);
    if (rx_notify_) rx_notify_(rx_notify_ctx_);
  }
  irq_->notify();  // the callback runs on the dispatcher, not here
}

void ESPNow::set_drop_observer(Link::DropCallback fn, void* ctx) {
  link_.set_drop_observer(fn, ctx);
  std::lock_guard dl(drop_mutex_);
  drop_fn_ = fn;
  drop_ctx_ = ctx;
}

void ESPNow::set_rx_notify(void (*fn)(void*), void* ctx) {
  std::lock_guard nl(rx_notify_mutex_);
  rx_notify_ = fn;
  rx_notify_ctx_ = ctx;
}

void ESPNow::signal_readable_locked(bool readable) {
  if (event_fd_ < 0) return;
  std::uint64_t v = 1;
  if (readable) (void)!::write(event_fd_, &v, sizeof v);
  else (void)!::read(event_fd_, &v, sizeof v);
}

Result<int> ESPNow::fileno() {
  std::lock_guard lk(rx_mutex_);
  if (event_fd_ < 0) {
    event_fd_ = ::eventfd(0, ESPNOW_EVENTFD_FLAGS);
    if (event_fd_ < 0) return errc::internal;
    if (!ring_->empty()) signal_readable_locked(true);
  }
  return event_fd_;
}

bool ESPNow::readable() const {
  std::lock_guard lk(rx_mutex_);
  return !ring_->empty();
}

bool ESPNow::writable() const { return tx_responses_.load() >= tx_pkts_.load(); }

// ------------------------------------------------------------------- irq

void ESPNow::irq(std::function<void(ESPNow&)> callback) { irq_->set(std::move(callback)); }

// ------------------------------------------------------------------ state

Stats ESPNow::stats() const {
  return {tx_pkts_.load(), tx_responses_.load(), tx_failures_.load(), rx_packets_.load(), rx_dropped_.load()};
}

std::vector<std::pair<MacAddress, PeersTableEntry>> ESPNow::peers_table() const {
  std::lock_guard lk(rx_mutex_);
  std::vector<std::pair<MacAddress, PeersTableEntry>> out;
  out.reserve(peers_table_.size());
  for (const auto& [mac, row] : peers_table_) out.emplace_back(mac, row.entry);
  return out;
}

std::size_t ESPNow::rx_bytes_used() const {
  std::lock_guard lk(rx_mutex_);
  return ring_->bytes_used();
}

}  // namespace espnow
