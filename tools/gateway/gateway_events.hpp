// What reaches the gateway's own thread from the others (the radio's
// delivery thread, libmosquitto's thread): one queue, handled in order.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
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

class EventQueue {
 public:
  void post(GatewayEvent e) {
    {
      std::lock_guard lock(mutex_);
      events_.push_back(std::move(e));
    }
    ready_.notify_one();
  }
  // Everything posted so far; waits until `deadline` when there is nothing.
  std::deque<GatewayEvent> take(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock(mutex_);
    ready_.wait_until(lock, deadline, [&] { return !events_.empty(); });
    return std::exchange(events_, {});
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<GatewayEvent> events_;
};

}  // namespace espnow::gateway
