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

#include "espnow/api/no_mem_retry.hpp"
#include "irq_dispatcher.hpp"
#include "receive_queue.hpp"
#include "send_tracker.hpp"

namespace espnow {
namespace {

using namespace std::chrono_literals;
constexpr std::int64_t kMaxRxbuf = MAX_RXBUF;
constexpr std::chrono::nanoseconds kInterruptPoll = 50ms;  // how soon an Interrupt is noticed
// A wait spins this long before it sleeps (Clock::brief_wait): a UDP air's
// round trip is a few tens of microseconds.
constexpr std::chrono::nanoseconds kBriefWait = 50us;

std::uint32_t to_ms(std::uint64_t us) { return static_cast<std::uint32_t>(us / 1000); }  // wraps as 32-bit

std::error_code interrupted() { return std::make_error_code(std::errc::interrupted); }

// A Link's answer as a code, whichever idiom the Link speaks.
std::error_code code_of(std::error_code ec) { return ec; }
template <class T>
std::error_code code_of(const Result<T>& r) {
  return r.error();
}

// Asks the interrupt with `lock` released: it may take a foreign lock (the
// GIL) whose holder is waiting for ours.
template <class Lock>
bool interrupt_requested(Lock& lock, const Interrupt& interrupt) {
  lock.unlock();
  const bool yes = interrupt.requested(interrupt.ctx);
  lock.lock();
  return yes;
}

// ARG for a message no send takes (empty, or past the version's limit), saying why.
std::optional<Error> bad_message(std::size_t size, std::size_t max) {
  if (size > 0 && size <= max) return std::nullopt;
  const std::string limit = max > MAX_DATA_LEN ? " (ESP-NOW v2)" : " (ESP-NOW v1; v2 takes 1470)";
  return Error(errc::arg, "a message has 1 to " + std::to_string(max) + " bytes" + limit + ", not " + std::to_string(size));
}

enum class WaitEnd { ready, timed_out, interrupted };

// When a wait with an Interrupt asks it: every kInterruptPoll, and at once
// after ESPNow::interrupt_waits() (`calls`, which it counts).
class InterruptSchedule {
 public:
  InterruptSchedule(const Clock& clock, const std::atomic<std::uint64_t>& calls)
      : clock_(clock), calls_(calls), seen_(calls.load()), next_(clock.now() + kInterruptPoll) {}
  std::chrono::nanoseconds next() const { return next_; }
  bool due(std::chrono::nanoseconds now) const { return now >= next_ || calls_.load() != seen_; }
  void asked() {
    seen_ = calls_.load();
    next_ = clock_.now() + kInterruptPoll;
  }

 private:
  const Clock& clock_;
  const std::atomic<std::uint64_t>& calls_;
  std::uint64_t seen_;
  std::chrono::nanoseconds next_;
};

// The shell's one wait: blocks on `cv`, on `clock`, for as long as the core's
// `step(now)` says; with an interrupt, asking it as `schedule` says.
template <class Step>
WaitEnd wait_for_core(Clock& clock, std::unique_lock<std::mutex>& lk, std::condition_variable& cv,
                      const Interrupt* interrupt, InterruptSchedule schedule, Step step) {
  const bool asks = interrupt && interrupt->requested;
  bool spun = false;
  for (;;) {
    const auto now = clock.now();
    const detail::WaitStep s = step(now);
    if (s.kind == detail::WaitStep::ready) return WaitEnd::ready;
    if (s.kind == detail::WaitStep::timed_out) return WaitEnd::timed_out;
    if (asks && schedule.due(now)) {
      if (interrupt_requested(lk, *interrupt)) return WaitEnd::interrupted;
      schedule.asked();
      continue;  // the lock was let go: ask the core again
    }
    std::optional<std::chrono::nanoseconds> until = s.until;
    if (asks) until = until ? std::min(*until, schedule.next()) : schedule.next();
    if (!std::exchange(spun, true) && clock.brief_wait(lk, until ? std::min(kBriefWait, *until - now) : kBriefWait))
      continue;
    clock.wait(lk, cv, until);
  }
}

}  // namespace

ESPNow::ESPNow(Link& link, Clock& clock)
    : link_(link),
      clock_(clock),
      tx_(std::make_unique<detail::SendTracker>()),
      rx_(std::make_unique<detail::ReceiveQueue>()),
      irq_(std::make_unique<detail::IrqDispatcher>(*this, clock_)) {}

ESPNow::~ESPNow() {
  (void)active(false);
  irq_->stop();  // before the members a running callback may use go
  if (event_fd_ >= 0) ::close(event_fd_);
}

// ------------------------------------------------------------ activation

Result<void> ESPNow::active(bool flag) {
  // Declared before the lock, so released after it: destroying a foreign
  // callback may take a foreign lock (the GIL) whose holder waits for ours.
  std::shared_ptr<const detail::IrqDispatcher::Callback> old_irq;
  std::lock_guard lk(state_mutex_);
  if (flag == active_.load()) return {};
  if (flag) {
    {
      std::lock_guard rl(rx_mutex_);
      rx_->open(static_cast<std::size_t>(rxbuf_locked()));
      irecv_buf_.assign(MAX_DATA_LEN_V2, 0);  // any version, so a version change needs no resize
    }
    {
      std::lock_guard sl(status_mutex_);
      tx_->reset();
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
    rx_->close();
    rx_count_ = 0;
    signal_readable_locked(false);
  }
  clock_.notify(rx_cv_);  // blocked receivers return NOT_INIT
  {  // and an event loop's (AIOESPNow's) look again, to find NOT_INIT too
    std::lock_guard nl(rx_notify_mutex_);
    if (rx_notify_) rx_notify_(rx_notify_ctx_);
  }
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
  return Error(errc::arg, "no config parameter '" + std::string(name) + "'");
}

Result<void> ESPNow::config(const ConfigUpdate& u) {
  // Everything is checked before anything changes.
  if (u.rxbuf && (*u.rxbuf < 0 || *u.rxbuf > kMaxRxbuf)) return Error(errc::arg, "rxbuf must be 0..16777216");
  if (u.version && *u.version != 1 && *u.version != 2) return Error(errc::arg, "version must be 1 or 2");
  if (u.peers_table_max && *u.peers_table_max < 1) return Error(errc::arg, "peers_table_max must be at least 1");
  if (u.rate) {
    if (*u.rate < 0 || *u.rate > 255 || !rate_info(static_cast<std::uint8_t>(*u.rate)))
      return Error(errc::arg, "rate must be a RATE_* value");
    if (!link_.interface_active(Interface::sta) && !link_.interface_active(Interface::ap))
      return Error(std::errc::no_such_file_or_directory, "rate needs an active WLAN interface");  // the seeds' ENOENT
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
  // While active, a version change takes a buffer that follows the version
  // with it at once (v2's holds two 1470-byte messages): the link speaks the
  // new version already, and its messages must not be ACKed, then dropped.
  // A smaller one waits for the next active(true), dropping nothing.
  if (u.version && !rxbuf_set_) {
    std::lock_guard rl(rx_mutex_);
    if (rx_->is_open()) rx_->grow(static_cast<std::size_t>(rxbuf_locked()));
  }
  if (u.peers_table_max) {
    peers_table_max_ = *u.peers_table_max;
    std::lock_guard rl(rx_mutex_);
    rx_->set_peers_table_max(*u.peers_table_max);
  }
  return {};
}

// ------------------------------------------------------------------ peers

Result<void> ESPNow::apply_peer_options(PeerInfo& p, const PeerOptions& o) const {
  if (o.lmk) {
    if (o.lmk->empty()) {
      p.lmk = {};
      p.encrypt = false;
    } else if (o.lmk->size() != KEY_LEN) {
      return Error(errc::arg, "lmk must be 16 bytes");
    } else {
      std::copy(o.lmk->begin(), o.lmk->end(), p.lmk.begin());
      p.encrypt = true;
    }
  }
  if (o.channel) {
    if (*o.channel < 0 || *o.channel > kMaxChannel) return Error(errc::arg, "channel must be 0..14");
    p.channel = static_cast<std::uint8_t>(*o.channel);
  }
  if (o.ifidx) {
    if (*o.ifidx != 0 && *o.ifidx != 1) return Error(errc::arg, "ifidx must be 0 (STA) or 1 (AP)");
    p.ifidx = static_cast<Interface>(*o.ifidx);
  }
  if (o.encrypt) p.encrypt = *o.encrypt;
  if (p.encrypt && p.mac.is_multicast()) return Error(errc::arg, "a group address cannot be encrypted");
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

Result<void> ESPNow::add_peer(const MacAddress& mac, const PeerOptions& options) {
  if (!active()) return errc::not_init;
  PeerInfo p{.mac = mac};
  if (auto r = apply_peer_options(p, options); !r.ok()) return r;
  std::lock_guard lk(state_mutex_);
  if (auto ec = link_.add_peer(p)) return ec;
  mirror_add(mac);
  return {};
}

Result<void> ESPNow::mod_peer(const MacAddress& mac, const PeerOptions& options) {
  if (!active()) return errc::not_init;
  std::lock_guard lk(state_mutex_);
  PeerInfo p;
  if (auto ec = link_.get_peer(mac, p)) return ec;
  if (auto r = apply_peer_options(p, options); !r.ok()) return r;
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

Result<void> ESPNow::del_peer(const MacAddress& mac) {
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

Result<void> ESPNow::set_pmk(std::span<const std::uint8_t> pmk) {
  if (pmk.size() != KEY_LEN) return Error(errc::arg, "pmk must be 16 bytes");
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
  if (auto bad = bad_message(msg.size(), link_.max_data_len())) return *std::move(bad);
  std::array<MacAddress, MAX_TOTAL_PEER_NUM> targets;
  const std::size_t n = collect_targets(mac, targets);
  if (n == 0) return errc::not_found;
  if (sync)
    if (auto ec = wait_outstanding(interrupt)) return ec;

  SendTicket ticket;
  detail::SendTracker::begin(ticket, static_cast<int>(n));
  for (std::size_t i = 0; i < n; ++i) {
    if (auto ec = submit(targets[i], msg, sync ? &ticket : nullptr, true, interrupt)) {
      if (sync) {
        give_up(ticket, n - i, ec);  // the ones already sent still refer to it
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

Result<void> ESPNow::start_send(const MacAddress* mac, std::span<const std::uint8_t> msg, SendTicket& ticket,
                                std::error_code* later_error) {
  if (!active()) return errc::not_init;
  if (auto bad = bad_message(msg.size(), link_.max_data_len())) return *std::move(bad);
  std::array<MacAddress, MAX_TOTAL_PEER_NUM> targets;
  const std::size_t n = collect_targets(mac, targets);
  if (n == 0) return errc::not_found;
  detail::SendTracker::begin(ticket, static_cast<int>(n));
  for (std::size_t i = 0; i < n; ++i) {
    const std::error_code ec = submit(targets[i], msg, &ticket, false);
    if (!ec) continue;
    if (i == 0) return ec;  // nothing in flight
    // Some targets are in flight: the ticket completes with the error when they report.
    if (later_error) *later_error = ec;
    give_up(ticket, n - i, ec);
    return {};
  }
  return {};
}

// One target. With `wait_for_room`, NO_MEM is retried as NoMemRetry says
// (the 2 s rule), waking early when a send report makes room.
std::error_code ESPNow::submit(const MacAddress& target, std::span<const std::uint8_t> msg, SendTicket* ticket,
                               bool wait_for_room, const Interrupt* interrupt) {
  std::unique_lock tx(tx_mutex_);  // the pending queue and the link see sends in one order
  const NoMemRetry retry(clock_.now());
  InterruptSchedule schedule(clock_, interrupt_calls_);
  for (;;) {
    const std::error_code ec = try_submit(target, msg, ticket);
    if (!wait_for_room) return ec;
    const auto retry_at = retry.retry_at(ec, clock_.now());
    if (!retry_at) return ec;
    {
      std::unique_lock sl(status_mutex_);  // room comes with the next send report
      clock_.wait(sl, status_cv_, *retry_at);
    }
    if (interrupt && interrupt->requested && schedule.due(clock_.now())) {
      if (interrupt_requested(tx, *interrupt)) return interrupted();
      schedule.asked();
    }
  }
}

// One attempt: a place in the pending queue, then the link. NO_MEM from either.
std::error_code ESPNow::try_submit(const MacAddress& target, std::span<const std::uint8_t> msg, SendTicket* ticket) {
  {
    std::lock_guard sl(status_mutex_);
    if (!tx_->reserve(ticket)) return errc::no_mem;
  }
  const std::error_code ec = code_of(link_.send(&target, msg));
  if (ec) {
    std::lock_guard sl(status_mutex_);
    tx_->withdraw();  // never sent
  }
  return ec;
}

// The 100 ms rule: earlier sync=False sends' reports are awaited, briefly.
std::error_code ESPNow::wait_outstanding(const Interrupt* interrupt) {
  std::unique_lock sl(status_mutex_);
  const auto deadline = detail::SendTracker::sync_deadline(clock_.now());
  const auto step = [&](auto now) { return tx_->sync_wait(deadline, now); };
  switch (wait_for_core(clock_, sl, status_cv_, interrupt, {clock_, interrupt_calls_}, step)) {
    case WaitEnd::ready: return {};
    case WaitEnd::timed_out: return std::make_error_code(std::errc::timed_out);
    case WaitEnd::interrupted: break;
  }
  return interrupted();
}

// The ticket lives on the caller's stack: a wait that ends other than by its
// report (interrupted, or unwound: a Simulation ending its program) forgets it.
std::error_code ESPNow::wait_ticket(SendTicket& ticket, const Interrupt* interrupt) {
  struct ForgetUnlessReported {
    ESPNow& self;
    SendTicket& ticket;
    bool reported = false;
    ~ForgetUnlessReported() {
      if (!reported) self.forget_ticket(ticket);
    }
  } guard{*this, ticket};
  std::unique_lock sl(status_mutex_);  // released before the guard runs
  const auto step = [&](auto) { return detail::SendTracker::ticket_wait(ticket); };
  guard.reported = wait_for_core(clock_, sl, status_cv_, interrupt, {clock_, interrupt_calls_}, step) == WaitEnd::ready;
  return guard.reported ? std::error_code{} : interrupted();
}

void ESPNow::forget_ticket(SendTicket& ticket) {
  std::lock_guard sl(status_mutex_);
  tx_->forget(ticket);
}

void ESPNow::give_up(SendTicket& ticket, std::size_t count, std::error_code error) {
  detail::TicketCompletion done;
  {
    std::lock_guard sl(status_mutex_);
    done = tx_->give_up(ticket, static_cast<int>(count), error);
  }
  done.run();
}

void ESPNow::send_thunk(void* self, const MacAddress&, SendStatus status) {
  static_cast<ESPNow*>(self)->on_send_status(status);
}

void ESPNow::on_send_status(SendStatus status) {
  detail::TicketCompletion done;
  {
    std::lock_guard sl(status_mutex_);
    done = tx_->on_status(status);
  }
  clock_.notify(status_cv_);
  done.run();
}

// Sends the link will never report (it was stopped) count as failed responses,
// so the counters balance and later sync sends do not wait for them.
void ESPNow::fail_all_pending() {
  std::vector<detail::TicketCompletion> completed;
  {
    std::lock_guard sl(status_mutex_);
    tx_->fail_all([&](detail::TicketCompletion c) {
      if (c.on_done) completed.push_back(c);
    });
  }
  clock_.notify(status_cv_);
  for (const auto& c : completed) c.run();
}

// -------------------------------------------------------------- receiving

std::error_code ESPNow::check_receive_ready() const {
  if (!active()) return errc::not_init;
  if (!link_.interface_active(Interface::sta) && !link_.interface_active(Interface::ap)) return errc::intf;
  return {};
}

Result<std::size_t> ESPNow::pop_message(std::span<std::uint8_t> out, MessageView* message,
                                        std::optional<std::int64_t> timeout, const Interrupt* interrupt) {
  if (auto ec = check_receive_ready()) return ec;
  const std::int64_t t = timeout ? *timeout : config().timeout_ms;
  if (t == 0 && rx_count_.load(std::memory_order_acquire) == 0) {  // a poller never takes the lock
    if (message) *message = {};
    return std::size_t{0};
  }
  std::unique_lock lk(rx_mutex_);
  const auto deadline = detail::ReceiveQueue::deadline(t, clock_.now());
  // Counted while waiting, however the wait ends (a Simulation may unwind it).
  struct Waiting {
    detail::ReceiveQueue& rx;
    explicit Waiting(detail::ReceiveQueue& q) : rx(q) { rx.waiter_started(); }
    ~Waiting() { rx.waiter_done(); }
  };
  WaitEnd end;
  {
    const Waiting waiting(*rx_);
    const auto step = [&](auto now) { return rx_->receive_wait(deadline, now); };
    end = wait_for_core(clock_, lk, rx_cv_, interrupt, {clock_, interrupt_calls_}, step);
  }
  if (end == WaitEnd::interrupted) return interrupted();  // before taking anything
  if (!active_.load() || !rx_->is_open()) return errc::not_init;
  const detail::ReceiveQueue::Pop p = rx_->pop(out);
  if (p.status == detail::ReceiveQueue::Pop::empty) {
    if (message) *message = {};
    return std::size_t{0};
  }
  if (p.status == detail::ReceiveQueue::Pop::too_small) return std::errc::message_size;  // it stays buffered
  rx_count_.store(rx_->count(), std::memory_order_release);
  peers_size_ = rx_->peers_size();
  peers_evictions_ = rx_->evictions();
  if (p.now_empty) signal_readable_locked(false);
  if (message) *message = p.message;
  return p.length;
}

// Each wait reads the count under its lock before it blocks, so taking the
// lock after counting is enough for none to miss the notification.
void ESPNow::interrupt_waits() {
  interrupt_calls_.fetch_add(1);
  { const std::lock_guard lk(rx_mutex_); }
  clock_.notify(rx_cv_);
  { const std::lock_guard sl(status_mutex_); }
  clock_.notify(status_cv_);
}

Result<std::optional<Message>> ESPNow::recv(std::optional<std::int64_t> timeout_ms) {
  std::array<std::uint8_t, MAX_DATA_LEN_V2> buf;
  MessageView view;
  auto r = pop_message(buf, &view, timeout_ms);
  if (!r.ok()) return r.failure();
  if (!view.mac) return std::optional<Message>{};
  return std::optional<Message>(Message{*view.mac, {view.msg.begin(), view.msg.end()}, view.rssi, view.time_ms});
}

Result<MessageView> ESPNow::irecv(std::optional<std::int64_t> timeout_ms) {
  MessageView view;
  auto r = pop_message(irecv_buf_, &view, timeout_ms);
  if (!r.ok()) return r.failure();
  return view;
}

Result<std::size_t> ESPNow::recvinto(std::span<std::uint8_t> buffer, MessageView* message,
                                     std::optional<std::int64_t> timeout_ms, const Interrupt* interrupt) {
  return pop_message(buffer, message, timeout_ms, interrupt);
}

Result<bool> ESPNow::any() const {
  if (!active()) return errc::not_init;
  std::lock_guard lk(rx_mutex_);
  return !rx_->empty();
}

void ESPNow::recv_thunk(void* self, const RecvInfo& info, std::span<const std::uint8_t> data) {
  static_cast<ESPNow*>(self)->on_recv(info, data);
}

void ESPNow::on_recv(const RecvInfo& info, std::span<const std::uint8_t> data) {
  detail::ReceiveQueue::Arrival arrival;
  {
    std::lock_guard lk(rx_mutex_);
    arrival = rx_->on_message({0, info.rx_ctrl.rssi_dbm, to_ms(info.rx_ctrl.timestamp_us), info.src}, data);
    rx_count_.store(rx_->count(), std::memory_order_release);
    if (arrival.now_readable) signal_readable_locked(true);
  }
  // After the unlock: a receiver woken under the lock would only block on it
  // again (a futex wait and wake per message in a stream, measured).
  if (arrival.wake_receiver) clock_.notify(rx_cv_);
  if (!arrival.stored) {
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
    if (!rx_->empty()) signal_readable_locked(true);
  }
  return event_fd_;
}

bool ESPNow::readable() const {
  std::lock_guard lk(rx_mutex_);
  return !rx_->empty();
}

bool ESPNow::writable() const {
  std::lock_guard sl(status_mutex_);
  return tx_->caught_up();
}

// ------------------------------------------------------------------- irq

void ESPNow::irq(std::function<void(ESPNow&)> callback) { irq_->set(std::move(callback)); }

void ESPNow::wait_irq_idle() { irq_->wait_idle(); }

// ------------------------------------------------------------------ state

Stats ESPNow::stats() const {
  detail::SendCounters tx;
  {
    std::lock_guard sl(status_mutex_);
    tx = tx_->counters();
  }
  return {tx.tx_pkts, tx.tx_responses, tx.tx_failures, rx_packets_.load(), rx_dropped_.load()};
}

std::vector<std::pair<MacAddress, PeersTableEntry>> ESPNow::peers_table() const {
  std::lock_guard lk(rx_mutex_);
  return rx_->peers_table();
}

std::size_t ESPNow::rx_bytes_used() const {
  std::lock_guard lk(rx_mutex_);
  return rx_->bytes_used();
}

}  // namespace espnow
