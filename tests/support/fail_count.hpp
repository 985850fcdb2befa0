// FailCount: "fail the n-th" for the failing test doubles, after Boost.Beast's
// test::fail_count. The doubles (FailingRadio, FailingLink, the air's
// lose_when() error model) ask it at each point where the real thing can
// fail. Armed with n, it answers "fail" to the n-th question from then on,
// counting every point of every double that shares it (and to every later one
// too when persistent); disarmed, it answers no and counts nothing. A test
// walks n = 1, 2, 3, ... until its scenario runs with no failure, checking
// each time that the failure surfaced as the documented error and that no
// state was corrupted. Thread-safe: radios ask from their own threads.
#pragma once

#include <cstdint>
#include <mutex>
#include <string_view>

namespace espnow::test {

class FailCount {
 public:
  FailCount() = default;  // disarmed
  explicit FailCount(std::uint64_t n, bool persistent = false) { arm(n, persistent); }
  FailCount(const FailCount&) = delete;
  FailCount& operator=(const FailCount&) = delete;

  // Counting starts again from here; n >= 1.
  void arm(std::uint64_t n, bool persistent = false) {
    std::lock_guard lk(mutex_);
    target_ = n;
    persistent_ = persistent;
    calls_ = fired_ = 0;
    last_fired_ = {};
  }
  // Answers no from here on; calls(), fired() and last_fired() keep their values.
  void disarm() {
    std::lock_guard lk(mutex_);
    target_ = 0;
  }

  // Asked at a point named `where` (a string literal: it is kept); true: fail here.
  bool fail(std::string_view where) {
    std::lock_guard lk(mutex_);
    if (target_ == 0) return false;
    const std::uint64_t call = ++calls_;
    if (call < target_ || (call > target_ && !persistent_)) return false;
    ++fired_;
    last_fired_ = where;
    return true;
  }

  std::uint64_t calls() const {
    std::lock_guard lk(mutex_);
    return calls_;
  }
  std::uint64_t fired() const {
    std::lock_guard lk(mutex_);
    return fired_;
  }
  // Where the last failure was; empty when none has been since arm().
  std::string_view last_fired() const {
    std::lock_guard lk(mutex_);
    return last_fired_;
  }

 private:
  mutable std::mutex mutex_;
  std::uint64_t target_ = 0;  // 0: disarmed
  bool persistent_ = false;
  std::uint64_t calls_ = 0;
  std::uint64_t fired_ = 0;
  std::string_view last_fired_;
};

}  // namespace espnow::test
