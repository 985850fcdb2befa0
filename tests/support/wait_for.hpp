// Waiting on a condition with a deadline, never a blind sleep.
#pragma once

#include <chrono>
#include <thread>

namespace espnow::test {

template <class Pred>
bool wait_for(Pred done, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  return true;
}

}  // namespace espnow::test
