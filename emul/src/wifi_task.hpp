// The emulated chip's "Wi-Fi task": the thread on which ESP-IDF runs the
// ESP-NOW receive and send callbacks. SoftLink reports on the radio's
// delivery thread (the sender's, on the in-process air); the task takes the
// reports from there, so user callbacks run on a thread of their own, as on
// the chip, and may call esp_* functions without deadlocking the air. It
// waits and is woken through the chip's clock (a program of a Simulation's).
#pragma once

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "chip_thread.hpp"
#include "espnow/wire/frame.hpp"
#include "espnow/link/link.hpp"

namespace espnow::emul::detail {

class WifiTask {
 public:
  // An ESP-NOW message, or a frame the promiscuous tap heard (`sniffed`:
  // the whole frame, its FCS included, with info.rx_ctrl).
  struct Received {
    RecvInfo info;
    std::array<std::uint8_t, wire::kMaxFrameSize> data;
    std::size_t len = 0;
    bool sniffed = false;
  };
  struct Sent {
    MacAddress dst;
    SendStatus status;
    Interface ifidx;  // the interface the frame went out on
  };
  // What the task calls, on its own thread.
  struct Handler {
    virtual void on_received(const Received& r) = 0;
    virtual void on_sent(const Sent& s) = 0;

   protected:
    ~Handler() = default;
  };

  WifiTask(Handler& handler, Clock& clock, std::size_t rx_capacity);
  ~WifiTask();
  WifiTask(const WifiTask&) = delete;
  WifiTask& operator=(const WifiTask&) = delete;

  // Both return at once. A frame that finds the queue full is dropped, as the
  // chip drops frames its task cannot take; send reports are never dropped
  // (their ring is as deep as the radio can have sends in flight, many times).
  void post_received(const RecvInfo& info, std::span<const std::uint8_t> data);
  // A frame for the promiscuous callback; in one queue with the messages,
  // so that it comes before the message the link makes of it.
  void post_sniffed(const RxControl& rx, std::span<const std::uint8_t> frame);
  void post_sent(const Sent& sent);

  // Returns once no callback is running (at once on the task's own thread,
  // which is inside one). Callbacks unregistered before it are not called.
  void wait_idle();
  // Waits until nothing is queued and no callback runs; false if the task
  // was already quiet (so a caller can tell when a whole air has settled).
  bool wait_quiet();
  // Drops every queued event (esp_now_deinit).
  void discard();
  // While held (light sleep, counted), events stay queued and no callback
  // starts; a running one finishes. release() lets the queue run again.
  void hold();
  void release();
  bool on_task_thread() const { return thread_.on_thread(); }
  std::uint64_t rx_drops() const { return rx_drops_.load(); }

 private:
  void loop();
  void post_rx(const RecvInfo& info, std::span<const std::uint8_t> data, bool sniffed);
  bool run_one(std::unique_lock<std::mutex>& lk);

  Handler& handler_;
  Clock& clock_;
  std::mutex mutex_;
  std::condition_variable cv_;       // work arrived, or stop
  std::condition_variable idle_cv_;  // a callback finished
  std::vector<Received> rx_;
  std::size_t rx_head_ = 0, rx_count_ = 0;
  std::vector<Sent> tx_;
  std::size_t tx_head_ = 0, tx_count_ = 0;
  bool busy_ = false;
  bool rx_in_flight_ = false;
  bool stop_ = false;
  int holds_ = 0;
  std::atomic<std::uint64_t> rx_drops_{0};
  ChipThread thread_;  // last: starts once the rest exists
};

}  // namespace espnow::emul::detail
