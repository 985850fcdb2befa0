#include "espnow/async/aioespnow.hpp"

#include <atomic>
#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include <asio/error.hpp>

#include "espnow/api/no_mem_retry.hpp"
#include "espnow/api/sync_send_wait.hpp"
#include "espnow/async/timer.hpp"
#include "espnow/async/virtual_time.hpp"
#include "espnow/link/detail/delivery_gate.hpp"

namespace espnow::detail {
namespace {

std::error_code aborted() { return asio::error::operation_aborted; }

}  // namespace

// All state is guarded by `mutex_`; completions are posted, never run inline.
// Link threads (send reports, message arrivals) only post to `executor_`.
class AioCore : public std::enable_shared_from_this<AioCore> {
 public:
  AioCore(ESPNow& e, asio::any_io_executor ex)
      : e_(e), executor_(std::move(ex)), time_(VirtualTime::of(executor_)), irecv_buf_(MAX_DATA_LEN_V2) {
    link_posts_.open();
  }

  void attach() { e_.set_rx_notify(&AioCore::notify_thunk, this); }
  void close();
  void send(const MacAddress* mac, std::span<const std::uint8_t> msg, bool sync, SendHandler handler);
  void receive(RecvHandler fresh, IrecvHandler view);

 private:
  struct SendOp {
    std::shared_ptr<AioCore> core;  // kept until the ticket reports
    std::uint64_t id = 0;
    bool sync = true;
    bool has_mac = false;
    MacAddress mac;
    std::vector<std::uint8_t> msg;  // kept only while waiting (for earlier reports, for room)
    SendTicket ticket;
    std::optional<SyncSendWait> outstanding;  // the 100 ms rule (sync only), as ESPNow::send
    std::optional<NoMemRetry> retry;          // the 2 s rule, as ESPNow::send, on the ESPNow's clock
    std::uint64_t looks = 0;                  // timer waits armed by await_reports
    std::unique_ptr<Timer> timer;             // on the executor's time (virtual in a Simulation)
  };
  struct Receiver {
    std::uint64_t id = 0;
    RecvHandler fresh;
    IrecvHandler view;
  };

  // A sync send waiting for earlier sends' reports (the 100 ms rule). Its
  // owner, the one path that may touch it, is whoever took it out of
  // waiters_ under mutex_: its timer's latest wait, or a report's wake.
  struct Waiter {
    SendOp* op = nullptr;
    std::uint64_t look = 0;  // the timer wait that may take it; older ones find it gone
  };

  void await_reports(SendOp* op, std::span<const std::uint8_t> msg);
  void look_again(std::uint64_t id, std::uint64_t look);
  void wake_waiters();
  void try_send(SendOp* op, std::span<const std::uint8_t> msg);
  void finish_send(std::uint64_t id, std::error_code ec, bool ok);  // completes the handler if still owed
  bool owed(std::uint64_t id) {
    std::lock_guard lk(mutex_);
    return !closed_ && sends_.count(id);
  }  // completes the handler if still pending
  void ticket_done(const SendOp& op);
  void cancel_send(std::uint64_t id);
  void cancel_receiver(std::uint64_t id);
  void serve();
  void post_serve();
  static void notify_thunk(void* self);
  static void on_ticket_done(SendTicket* ticket);

  template <class Handler>
  void on_cancel(Handler& handler, void (AioCore::*cancel)(std::uint64_t), std::uint64_t id) {
    if (!handler.slot().is_connected()) return;
    // Cancellation handlers must not complete inline (that would clear the
    // slot from inside its own handler): post the cancellation instead.
    handler.slot().assign([weak = weak_from_this(), cancel, id, ex = executor_](asio::cancellation_type) {
      asio::post(ex, [weak, cancel, id] {
        if (auto self = weak.lock()) ((*self).*cancel)(id);
      });
    });
  }

  // Posts from a link's thread; an executor on virtual time is woken to run it.
  // Until it is found, its VirtualTime is looked for again: run_on_clock()
  // installs it when it starts, which may be after this object was made.
  // close() waits for a post under way and stops later ones, so that the
  // executor may go once the object has: a report that came while the object
  // was being destroyed was posted to an io_context being destroyed (its
  // handler leaked, seen by AddressSanitizer in CI).
  template <class Fn>
  void post_from_link(Fn&& fn) {
    const detail::DeliveryGate::Pass pass(link_posts_);
    if (!pass.open()) return;  // `fn` goes with its captures (an op it owns is freed)
    asio::post(executor_, std::forward<Fn>(fn));
    VirtualTime* time = time_.load(std::memory_order_acquire);
    if (!time && (time = VirtualTime::of(executor_))) time_.store(time, std::memory_order_release);
    if (time) time->wake();
  }

  ESPNow& e_;
  asio::any_io_executor executor_;
  std::atomic<VirtualTime*> time_;  // null on the wall clock (so far)
  detail::DeliveryGate link_posts_;  // open until close()
  std::mutex mutex_;
  bool closed_ = false;
  std::uint64_t next_id_ = 1;
  std::unordered_map<std::uint64_t, std::pair<SendOp*, SendHandler>> sends_;  // handlers still owed
  std::map<std::uint64_t, Waiter> waiters_;  // by id: the oldest sync send goes first
  std::deque<Receiver> receivers_;
  bool irecv_busy_ = false;  // an async_irecv result is in the shared buffer
  std::vector<std::uint8_t> irecv_buf_;
  std::atomic<int> waiting_{0};
  std::atomic<bool> serve_posted_{false};
};

// ------------------------------------------------------------------ send

void AioCore::send(const MacAddress* mac, std::span<const std::uint8_t> msg, bool sync, SendHandler handler) {
  auto* op = new SendOp;
  op->core = shared_from_this();
  op->sync = sync;
  op->has_mac = mac != nullptr;
  if (mac) op->mac = *mac;
  op->ticket.user = op;
  op->ticket.on_done = &AioCore::on_ticket_done;
  op->retry.emplace(e_.clock().now());
  {
    std::lock_guard lk(mutex_);
    if (closed_) {
      handler.complete(aborted(), false);
      delete op;
      return;
    }
    op->id = next_id_++;
    auto& entry = sends_[op->id];
    entry = {op, std::move(handler)};
    on_cancel(entry.second, &AioCore::cancel_send, op->id);
  }
  if (!sync) return try_send(op, msg);
  op->outstanding.emplace(e_.clock().now());
  await_reports(op, msg);
}

// The 100 ms rule without blocking: a sync send starts once no earlier send
// owes a report and no older sync send is waiting for that; until then its
// timer looks again as SyncSendWait says, and this object's own reports wake
// it sooner (wake_waiters). A cancelled one leaves at its next look, as one
// waiting for room does.
void AioCore::await_reports(SendOp* op, std::span<const std::uint8_t> msg) {
  if (!owed(op->id)) {  // cancelled or closed while waiting
    delete op;
    return;
  }
  const bool first_in_line = [&] {
    std::lock_guard lk(mutex_);
    return waiters_.empty() || waiters_.begin()->first > op->id;
  }();
  if (first_in_line && e_.writable()) return try_send(op, msg);
  const auto now = e_.clock().now();
  const auto at = op->outstanding->look_at(now);
  if (!at) {
    finish_send(op->id, std::make_error_code(std::errc::timed_out), false);  // as ESPNow::send
    delete op;  // nothing in flight
    return;
  }
  if (op->msg.empty()) op->msg.assign(msg.begin(), msg.end());
  if (!op->timer) op->timer = std::make_unique<Timer>(executor_);
  const std::uint64_t look = ++op->looks;
  // Armed before the op is published in waiters_: only its owner touches the
  // timer, and a new owner takes it under mutex_, after this.
  op->timer->expires_after(*at - now);
  op->timer->async_wait([self = shared_from_this(), id = op->id, look](std::error_code) { self->look_again(id, look); });
  std::lock_guard lk(mutex_);
  waiters_[op->id] = {op, look};
}

void AioCore::look_again(std::uint64_t id, std::uint64_t look) {
  SendOp* op = nullptr;
  {
    std::lock_guard lk(mutex_);
    auto it = waiters_.find(id);
    if (it == waiters_.end() || it->second.look != look) return;  // a wake took it first
    op = it->second.op;
    waiters_.erase(it);
  }
  await_reports(op, op->msg);
}

// A report came: the waiting sync sends look now, oldest first.
void AioCore::wake_waiters() {
  std::map<std::uint64_t, Waiter> woken;
  {
    std::lock_guard lk(mutex_);
    woken.swap(waiters_);
  }
  for (auto& [id, w] : woken) await_reports(w.op, w.op->msg);
}

void AioCore::try_send(SendOp* op, std::span<const std::uint8_t> msg) {
  if (!owed(op->id)) {  // cancelled or closed while waiting for room
    delete op;
    return;
  }
  const std::uint64_t id = op->id;
  const bool sync = op->sync;
  // Once started, the op belongs to its ticket, which may free it at any time.
  std::error_code later;  // a later target failed: sync=False raises it now, sync=True once reported
  const std::error_code ec = e_.start_send(op->has_mac ? &op->mac : nullptr, msg, op->ticket, &later).error();
  if (!ec) {
    if (!sync) finish_send(id, later, !later);
    return;
  }
  const auto now = e_.clock().now();
  if (const auto retry_at = op->retry->retry_at(ec, now)) {
    if (op->msg.empty()) op->msg.assign(msg.begin(), msg.end());
    if (!op->timer) op->timer = std::make_unique<Timer>(executor_);
    op->timer->expires_after(*retry_at - now);
    op->timer->async_wait([self = shared_from_this(), op](std::error_code) { self->try_send(op, op->msg); });
    return;
  }
  finish_send(id, ec, false);
  delete op;  // nothing in flight
}

void AioCore::finish_send(std::uint64_t id, std::error_code ec, bool ok) {
  std::lock_guard lk(mutex_);
  auto it = sends_.find(id);
  if (it == sends_.end()) return;  // cancelled or closed: already completed
  it->second.second.complete(ec, ok);
  sends_.erase(it);
}

// Runs on the link's reporting thread: hand over to the executor, unless the
// object is closed (then nobody is owed a result and the executor may be gone).
void AioCore::on_ticket_done(SendTicket* ticket) {
  auto* op = static_cast<SendOp*>(ticket->user);
  std::shared_ptr<AioCore> core = std::move(op->core);
  {
    std::lock_guard lk(core->mutex_);
    if (core->closed_) {
      delete op;
      return;
    }
  }
  // The task owns the op, so it is freed even if the executor never runs it.
  core->post_from_link([core, owned = std::unique_ptr<SendOp>(op)]() mutable { core->ticket_done(*owned); });
}

void AioCore::ticket_done(const SendOp& op) {
  finish_send(op.id, op.ticket.error, !op.ticket.failed);
  wake_waiters();
}

void AioCore::cancel_send(std::uint64_t id) {
  std::lock_guard lk(mutex_);
  auto it = sends_.find(id);
  if (it == sends_.end()) return;
  it->second.second.complete(aborted(), false);  // the frame may still go out; stats count it
  sends_.erase(it);
}

// --------------------------------------------------------------- receive

void AioCore::receive(RecvHandler fresh, IrecvHandler view) {
  {
    std::lock_guard lk(mutex_);
    if (closed_) {
      if (fresh) fresh.complete(aborted(), Message{});
      if (view) view.complete(aborted(), MessageView{});
      return;
    }
    Receiver& r = receivers_.emplace_back(Receiver{next_id_++, std::move(fresh), std::move(view)});
    if (r.fresh) on_cancel(r.fresh, &AioCore::cancel_receiver, r.id);
    else on_cancel(r.view, &AioCore::cancel_receiver, r.id);
    ++waiting_;
  }
  serve();
}

// Hands buffered messages to waiting receivers, oldest first.
void AioCore::serve() {
  std::lock_guard lk(mutex_);
  while (!receivers_.empty()) {
    Receiver& r = receivers_.front();
    if (r.fresh) {
      auto m = e_.recv(0);
      if (m.ok() && !m->has_value()) break;
      if (m.ok()) r.fresh.complete({}, std::move(**m));
      else r.fresh.complete(m.error(), Message{});
    } else {
      if (irecv_busy_) break;  // its storage still holds the previous result
      MessageView view;
      auto n = e_.recvinto(irecv_buf_, &view, 0);
      if (n.ok() && !view.mac) break;
      if (n.ok()) {
        irecv_busy_ = true;
        auto released = [self = shared_from_this()] {
          {
            std::lock_guard relk(self->mutex_);
            self->irecv_busy_ = false;
          }
          self->serve();
        };
        r.view.complete(released, {}, view);
      } else {
        r.view.complete(n.error(), MessageView{});
      }
    }
    receivers_.pop_front();
    --waiting_;
  }
}

void AioCore::cancel_receiver(std::uint64_t id) {
  std::lock_guard lk(mutex_);
  for (auto it = receivers_.begin(); it != receivers_.end(); ++it) {
    if (it->id != id) continue;
    if (it->fresh) it->fresh.complete(aborted(), Message{});
    else it->view.complete(aborted(), MessageView{});
    receivers_.erase(it);
    --waiting_;
    return;
  }
}

void AioCore::notify_thunk(void* self) {
  auto* core = static_cast<AioCore*>(self);
  if (core->waiting_.load() > 0) core->post_serve();
}

void AioCore::post_serve() {
  if (serve_posted_.exchange(true)) return;  // one pending serve covers every arrival
  post_from_link([weak = weak_from_this()] {
    if (auto self = weak.lock()) {
      self->serve_posted_ = false;
      self->serve();
    }
  });
}

// ------------------------------------------------------------------ close

void AioCore::close() {
  e_.set_rx_notify(nullptr, nullptr);  // after this, no arrival reaches us
  link_posts_.close();                 // nor a report, posted or about to be
  std::lock_guard lk(mutex_);
  closed_ = true;
  for (Receiver& r : receivers_) {
    if (r.fresh) r.fresh.complete(aborted(), Message{});
    else r.view.complete(aborted(), MessageView{});
  }
  receivers_.clear();
  waiting_ = 0;
  for (auto& [id, entry] : sends_) entry.second.complete(aborted(), false);
  sends_.clear();  // ops in flight are freed when their tickets complete
}

// ------------------------------------------------------------- free functions

void start_send(const std::shared_ptr<AioCore>& core, const MacAddress* mac, std::span<const std::uint8_t> msg,
                bool sync, SendHandler handler) {
  core->send(mac, msg, sync, std::move(handler));
}

void start_recv(const std::shared_ptr<AioCore>& core, RecvHandler handler) {
  core->receive(std::move(handler), {});
}

void start_irecv(const std::shared_ptr<AioCore>& core, IrecvHandler handler) {
  core->receive({}, std::move(handler));
}

}  // namespace espnow::detail

namespace espnow {

AIOESPNow::AIOESPNow(ESPNow& espnow, executor_type executor)
    : espnow_(espnow), executor_(std::move(executor)), core_(std::make_shared<detail::AioCore>(espnow, executor_)) {
  core_->attach();
}

AIOESPNow::~AIOESPNow() { core_->close(); }

}  // namespace espnow
