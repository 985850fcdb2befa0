#include "py_async_sender.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <system_error>

namespace espnow::py {

AsyncSender::AsyncSender(ESPNow& espnow, DeviceEvents* events)
    : espnow_(espnow), events_(events), event_fd_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (event_fd_ < 0) throw std::system_error(errno, std::generic_category(), "eventfd");
}

AsyncSender::~AsyncSender() { ::close(event_fd_); }

Result<void> AsyncSender::start(const MacAddress* mac, std::span<const std::uint8_t> msg, std::uint64_t& id,
                                   std::error_code& later_error) {
  auto ticket = std::make_unique<Ticket>();
  ticket->owner = this;
  ticket->on_done = &AsyncSender::on_done;
  Ticket* raw = ticket.get();
  {
    std::lock_guard lk(mutex_);
    raw->id = id = next_id_++;
    live_.emplace(id, std::move(ticket));
  }
  // The ticket is registered first: its report may come before start_send returns.
  Result<void> r = espnow_.start_send(mac, msg, *raw, &later_error);
  if (!r.ok()) {
    std::lock_guard lk(mutex_);
    live_.erase(id);
  }
  return r;
}

void AsyncSender::on_done(SendTicket* ticket) {
  auto* t = static_cast<Ticket*>(ticket);
  AsyncSender& self = *t->owner;
  {
    std::lock_guard lk(self.mutex_);
    self.done_.push_back({t->id, !t->failed, t->error});
    self.live_.erase(t->id);  // destroys the ticket: ESPNow is done with it
  }
  const std::uint64_t one = 1;
  (void)!::write(self.event_fd_, &one, sizeof one);
  if (self.events_) self.events_->signal();
}

std::vector<AsyncSender::Completion> AsyncSender::take_completions() {
  std::uint64_t count = 0;
  (void)!::read(event_fd_, &count, sizeof count);  // non-blocking: clears readiness
  std::lock_guard lk(mutex_);
  std::vector<Completion> out;
  out.swap(done_);
  return out;
}

std::size_t AsyncSender::in_flight() const {
  std::lock_guard lk(mutex_);
  return live_.size();
}

}  // namespace espnow::py
