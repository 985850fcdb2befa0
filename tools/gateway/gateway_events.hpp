// What reaches the gateway's own thread: the radio's delivery thread posts
// to one queue, handled in order; libmosquitto's events (run on the
// gateway's thread) are gathered in a deque of the same events.
#pragma once

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <system_error>
#include <utility>
#include <variant>
#include <vector>

#include "espnow/link/link.hpp"

namespace espnow::gateway {

struct Received {       // a message the link passed up
  RecvInfo info;
  std::string seq;      // FrameTag::text()
  double wall_time_s;   // Unix time when it arrived
  std::vector<std::uint8_t> data;
};
struct SendReport {     // the link's report of one send, in send order
  MacAddress dst;
  bool acked;
};
struct BrokerUp {};
struct BrokerDown {
  int rc;
};
struct PublishDone {
  int mid;
};
struct CommandArrived {
  std::string topic, payload;
};

using GatewayEvent = std::variant<Received, SendReport, BrokerUp, BrokerDown, PublishDone, CommandArrived>;

// The gateway's thread sleeps in poll() on fd() (with the broker's socket):
// a post wakes it only when the queue was not already signalled, so a
// stream of messages costs one wake-up per batch, not one per message.
class EventQueue {
 public:
  EventQueue() : fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
    if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "eventfd");
  }
  ~EventQueue() { ::close(fd_); }
  EventQueue(const EventQueue&) = delete;
  EventQueue& operator=(const EventQueue&) = delete;

  int fd() const { return fd_; }

  void post(GatewayEvent e) {
    bool wake = false;
    {
      std::lock_guard lock(mutex_);
      events_.push_back(std::move(e));
      wake = !signalled_;
      signalled_ = true;
    }
    if (wake) {
      const std::uint64_t one = 1;
      (void)!::write(fd_, &one, sizeof one);
    }
  }
  // Call when poll() found fd() readable, before take(): a post after
  // this either lands in take()'s batch or signals again.
  void clear_signal() {
    std::uint64_t count;
    (void)!::read(fd_, &count, sizeof count);
  }
  // Everything posted so far (perhaps nothing); never waits.
  std::deque<GatewayEvent> take() {
    std::lock_guard lock(mutex_);
    signalled_ = false;
    return std::exchange(events_, {});
  }

 private:
  int fd_;
  std::mutex mutex_;
  bool signalled_ = false;  // fd_ written since the last take()
  std::deque<GatewayEvent> events_;
};

}  // namespace espnow::gateway
