// Send completions for CPython's asyncio (aioespnow.AIOESPNow): a send is
// started without waiting and reported later through an eventfd the event
// loop watches (loop.add_reader), so no thread of ours ever needs the GIL
// and asend never blocks the loop.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

#include "espnow/api/espnow.hpp"
#include "espnow/api/no_mem_retry.hpp"
#include "espnow/api/sync_send_wait.hpp"
#include "py_device_events.hpp"

namespace espnow::py {

class AsyncSender {
 public:
  // Each report is also counted in `events` (if any), for a loop on virtual time.
  explicit AsyncSender(ESPNow& espnow, DeviceEvents* events = nullptr);
  ~AsyncSender();
  AsyncSender(const AsyncSender&) = delete;
  AsyncSender& operator=(const AsyncSender&) = delete;

  // A finished send: every target acknowledged, or the error a later
  // target raised (as send(sync=True) raises it).
  struct Completion {
    std::uint64_t id;
    bool ok;
    std::error_code error;
  };
  // Starts a send (mac == nullptr: every unicast peer). On success the id
  // of its report; NO_MEM comes back at once, for the caller to retry.
  // `later_error`: see ESPNow::start_send.
  Result<void> start(const MacAddress* mac, std::span<const std::uint8_t> msg, std::uint64_t& id,
                        std::error_code& later_error);
  // The 2 s rule for an asend, the policy ESPNow::send and AIOESPNow use:
  // `since` is when its first attempt was made (now()), `ec` what the latest
  // returned. How long to wait before trying again; nullopt: `ec` stands.
  std::chrono::nanoseconds now() const { return espnow_.clock().now(); }
  std::optional<std::chrono::nanoseconds> no_mem_retry_in(std::chrono::nanoseconds since, std::error_code ec) const {
    const auto t = now();
    const auto at = NoMemRetry(since).retry_at(ec, t);
    if (!at) return std::nullopt;
    return *at - t;
  }
  // The 100 ms rule for an asend(sync=True), the one ESPNow::send keeps:
  // `since` is when the asend began (now()). nullopt once no earlier send
  // owes a report; else how long to wait before asking again; ETIMEDOUT
  // (std::errc::timed_out) once the 100 ms are over.
  Result<std::optional<std::chrono::nanoseconds>> outstanding_wait_in(std::chrono::nanoseconds since) const {
    if (espnow_.writable()) return std::optional<std::chrono::nanoseconds>();
    const auto t = now();
    const auto at = SyncSendWait(since).look_at(t);
    if (!at) return Error(std::errc::timed_out, "ETIMEDOUT");
    return std::optional(*at - t);
  }
  // Reports since the last call.
  std::vector<Completion> take_completions();
  int fileno() const { return event_fd_; }
  // Sends started and not yet reported.
  std::size_t in_flight() const;

 private:
  struct Ticket : SendTicket {
    AsyncSender* owner = nullptr;
    std::uint64_t id = 0;
  };
  static void on_done(SendTicket* ticket);

  ESPNow& espnow_;
  DeviceEvents* events_ = nullptr;
  int event_fd_ = -1;
  mutable std::mutex mutex_;
  std::uint64_t next_id_ = 1;
  std::unordered_map<std::uint64_t, std::unique_ptr<Ticket>> live_;
  std::vector<Completion> done_;
};

}  // namespace espnow::py
