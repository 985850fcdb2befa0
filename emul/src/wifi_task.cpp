#include "wifi_task.hpp"

#include <algorithm>

#include "relock_on_exit.hpp"

namespace espnow::emul::detail {

namespace {
constexpr std::size_t kSendReports = 1024;
}

WifiTask::WifiTask(Handler& handler, Clock& clock, std::size_t rx_capacity)
    : handler_(handler), clock_(clock), rx_(std::max<std::size_t>(rx_capacity, 2)), tx_(kSendReports) {
  thread_.start(clock_, "wifi", [this] { loop(); }, 23);  // the Wi-Fi task's, ESP_TASK_PRIO_MAX - 2
}

WifiTask::~WifiTask() {
  {
    std::lock_guard lk(mutex_);
    stop_ = true;
  }
  clock_.notify(cv_);
  thread_.join();
}

void WifiTask::post_received(const RecvInfo& info, std::span<const std::uint8_t> data) { post_rx(info, data, false); }

void WifiTask::post_sniffed(const RxControl& rx, std::span<const std::uint8_t> frame) {
  post_rx(RecvInfo{.src = {}, .dst = {}, .rx_ctrl = rx}, frame, true);
}

void WifiTask::post_rx(const RecvInfo& info, std::span<const std::uint8_t> data, bool sniffed) {
  {
    std::lock_guard lk(mutex_);
    if (rx_count_ + (rx_in_flight_ ? 1 : 0) >= rx_.size() || data.size() > Received{}.data.size()) {
      ++rx_drops_;
      return;
    }
    Received& slot = rx_[(rx_head_ + rx_count_) % rx_.size()];
    slot.info = info;
    std::copy(data.begin(), data.end(), slot.data.begin());
    slot.len = data.size();
    slot.sniffed = sniffed;
    ++rx_count_;
  }
  clock_.notify(cv_);
}

void WifiTask::post_sent(const Sent& sent) {
  {
    std::lock_guard lk(mutex_);
    if (tx_count_ == tx_.size()) return;  // the task has been stuck for 1024 sends
    tx_[(tx_head_ + tx_count_) % tx_.size()] = sent;
    ++tx_count_;
  }
  clock_.notify(cv_);
}

void WifiTask::wait_idle() {
  if (on_task_thread()) return;
  std::unique_lock lk(mutex_);
  while (busy_) clock_.wait(lk, idle_cv_, std::nullopt);
}

bool WifiTask::wait_quiet() {
  if (on_task_thread()) return false;
  std::unique_lock lk(mutex_);
  const auto quiet = [&] { return !busy_ && rx_count_ == 0 && tx_count_ == 0; };
  if (quiet()) return false;
  while (!quiet()) clock_.wait(lk, idle_cv_, std::nullopt);
  return true;
}

void WifiTask::discard() {
  std::lock_guard lk(mutex_);
  rx_count_ = 0;
  tx_count_ = 0;
}

void WifiTask::hold() {
  std::lock_guard lk(mutex_);
  ++holds_;
}

void WifiTask::release() {
  {
    std::lock_guard lk(mutex_);
    --holds_;
  }
  clock_.notify(cv_);
}

void WifiTask::loop() {
  std::unique_lock lk(mutex_);
  for (;;) {
    while (!stop_ && (holds_ > 0 || (rx_count_ == 0 && tx_count_ == 0))) clock_.wait(lk, cv_, std::nullopt);
    if (stop_) return;
    while (run_one(lk)) {
    }
  }
}

// Runs the oldest event with the lock released. A received frame's slot
// stays reserved (rx_in_flight_) until its callback returns, so producers
// never overwrite what the callback reads.
bool WifiTask::run_one(std::unique_lock<std::mutex>& lk) {
  if (stop_ || holds_ > 0 || (tx_count_ == 0 && rx_count_ == 0)) return false;
  busy_ = true;
  const bool sent = tx_count_ > 0;
  const Sent s = sent ? tx_[tx_head_] : Sent{};
  const Received& r = rx_[rx_head_];
  if (sent) {
    tx_head_ = (tx_head_ + 1) % tx_.size();
    --tx_count_;
  } else {
    rx_head_ = (rx_head_ + 1) % rx_.size();
    --rx_count_;
    rx_in_flight_ = true;
  }
  lk.unlock();
  const RelockOnExit done(lk, [this] {
    rx_in_flight_ = false;
    busy_ = false;
    clock_.notify(idle_cv_);
  });
  if (sent) handler_.on_sent(s);
  else handler_.on_received(r);
  return true;
}

}  // namespace espnow::emul::detail
