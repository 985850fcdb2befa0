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
  bool retained = false;  // the broker's stored copy, replayed at subscription: not a command now
};

using GatewayEvent = std::variant<Received, SendReport, BrokerUp, BrokerDown, PublishDone, CommandArrived>;

// The gateway's thread sleeps in poll() on fd() (with the broker's socket).
// A post writes fd() only when that thread asked for it (arm()) before
// sleeping with nothing to do; while messages stream in, it comes back on a
// short tick of its own instead, and the radio's thread, which sends the
// ESP-NOW ACK after its delivery returns, neither makes a system call nor
// wakes another thread on the way.
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
      wake = std::exchange(armed_, false);
    }
    if (wake) {
      const std::uint64_t one = 1;
      (void)!::write(fd_, &one, sizeof one);
    }
  }
  // Asks for fd() to be written at the next post; false (nothing asked)
  // when something is waiting already.
  bool arm() {
    std::lock_guard lock(mutex_);
    if (!events_.empty()) return false;
    armed_ = true;
    return true;
  }
  // Call when poll() found fd() readable.
  void clear_signal() {
    std::uint64_t count;
    (void)!::read(fd_, &count, sizeof count);
  }
  // Everything posted so far (perhaps nothing); never waits.
  std::deque<GatewayEvent> take() {
    std::lock_guard lock(mutex_);
    armed_ = false;
    return std::exchange(events_, {});
  }

 private:
  int fd_;
  std::mutex mutex_;
  bool armed_ = false;  // the gateway's thread sleeps until told
  std::deque<GatewayEvent> events_;
};

}  // namespace espnow::gateway
