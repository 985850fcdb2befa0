// A chip's default event loop: a queue of posted events and the task (with
// the chip selected, on the chip's clock) that hands each to its handlers.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "chip_thread.hpp"
#include "esp_event.h"

namespace espnow::emul {
class EmulatedChip;
}

namespace espnow::emul::detail {

class EventLoop {
 public:
  EventLoop(EmulatedChip* chip, Clock& clock, std::size_t queue_len);
  // Handlers running now finish; events still queued are dropped.
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  esp_err_t add(esp_event_base_t base, int32_t id, esp_event_handler_t fn, void* arg, bool legacy,
                esp_event_handler_instance_t* instance);
  // By instance (instance API) or by function (legacy API).
  esp_err_t remove(esp_event_base_t base, int32_t id, esp_event_handler_t fn, esp_event_handler_instance_t instance);
  esp_err_t post(esp_event_base_t base, int32_t id, const void* data, std::size_t size, TickType_t ticks);

 private:
  struct Registration {
    esp_event_base_t base;
    int32_t id;
    esp_event_handler_t fn;
    void* arg;
    bool legacy;
  };
  struct Event {
    esp_event_base_t base;
    int32_t id;
    std::vector<std::uint8_t> data;
  };
  void run(EmulatedChip* chip);
  void dispatch(Event& e);

  Clock& clock_;
  const std::size_t queue_len_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Event> queue_;
  std::vector<std::shared_ptr<Registration>> handlers_;
  bool stop_ = false;
  ChipThread thread_;  // last: starts once the rest exists
};

}  // namespace espnow::emul::detail
