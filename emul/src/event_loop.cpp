// EventLoop and esp_event_* on the selected chip's default loop.
#include "event_loop.hpp"

#include <algorithm>
#include <cstring>

#include "chip_services.hpp"
#include "espnow_emul.hpp"
#include "freertos_kernel.hpp"

ESP_EVENT_DEFINE_BASE(WIFI_EVENT);

namespace espnow::emul::detail {

EventLoop::EventLoop(EmulatedChip* chip, Clock& clock, std::size_t queue_len) : clock_(clock), queue_len_(queue_len) {
  thread_.start(clock_, "sys_evt", [this, chip] { run(chip); }, 20);  // ESP_TASKD_EVENT_PRIO
}

EventLoop::~EventLoop() {
  {
    std::lock_guard lk(mutex_);
    stop_ = true;
  }
  clock_.notify(changed_);
  thread_.join();  // at once in a handler that deletes its own loop: it cannot wait for itself
}

esp_err_t EventLoop::add(esp_event_base_t base, int32_t id, esp_event_handler_t fn, void* arg, bool legacy,
                         esp_event_handler_instance_t* instance) {
  if (!fn || (base == ESP_EVENT_ANY_BASE && id != ESP_EVENT_ANY_ID)) return ESP_ERR_INVALID_ARG;
  auto r = std::make_shared<Registration>(Registration{base, id, fn, arg, legacy});
  std::lock_guard lk(mutex_);
  if (legacy) {  // ESP-IDF keeps one legacy registration per (base, id, function): the newest argument wins
    for (auto& h : handlers_)
      if (h->legacy && h->base == base && h->id == id && h->fn == fn) {
        h = r;
        return ESP_OK;
      }
  }
  handlers_.push_back(r);
  if (instance) *instance = r.get();
  return ESP_OK;
}

esp_err_t EventLoop::remove(esp_event_base_t base, int32_t id, esp_event_handler_t fn,
                            esp_event_handler_instance_t instance) {
  if (base == ESP_EVENT_ANY_BASE && id != ESP_EVENT_ANY_ID) return ESP_ERR_INVALID_ARG;
  std::lock_guard lk(mutex_);
  auto it = std::find_if(handlers_.begin(), handlers_.end(), [&](const auto& h) {
    if (h->base != base || h->id != id) return false;
    return instance ? (!h->legacy && h.get() == instance) : (h->legacy && h->fn == fn);
  });
  if (it == handlers_.end()) return ESP_ERR_NOT_FOUND;
  handlers_.erase(it);
  return ESP_OK;
}

esp_err_t EventLoop::post(esp_event_base_t base, int32_t id, const void* data, std::size_t size, TickType_t ticks) {
  if (base == ESP_EVENT_ANY_BASE || id == ESP_EVENT_ANY_ID) return ESP_ERR_INVALID_ARG;
  Event e{base, id, {}};
  if (data && size) e.data.assign(static_cast<const std::uint8_t*>(data), static_cast<const std::uint8_t*>(data) + size);
  std::unique_lock lk(mutex_);
  // The loop's own task never waits for room (it would wait for itself).
  if (thread_.on_thread()) ticks = 0;
  if (!rtos::wait_ticks(lk, changed_, ticks, [this] { return stop_ || queue_.size() < queue_len_; }) || stop_)
    return ESP_ERR_TIMEOUT;
  queue_.push_back(std::move(e));
  lk.unlock();
  clock_.notify(changed_);
  return ESP_OK;
}

void EventLoop::run(EmulatedChip* chip) {
  select_chip(chip);
  std::unique_lock lk(mutex_);
  for (;;) {
    while (!stop_ && queue_.empty()) clock_.wait(lk, changed_, std::nullopt);
    if (stop_) return;
    Event e = std::move(queue_.front());
    queue_.pop_front();
    lk.unlock();
    clock_.notify(changed_);  // room for a waiting post
    dispatch(e);
    lk.lock();
  }
}

// ESP-IDF's order: any-base handlers, then the base's any-id handlers, then
// the event's own; each group in registration order.
void EventLoop::dispatch(Event& e) {
  std::vector<std::shared_ptr<Registration>> due;
  {
    std::lock_guard lk(mutex_);
    for (const auto& h : handlers_)
      if (h->base == ESP_EVENT_ANY_BASE) due.push_back(h);
    for (const auto& h : handlers_)
      if (h->base == e.base && h->id == ESP_EVENT_ANY_ID) due.push_back(h);
    for (const auto& h : handlers_)
      if (h->base == e.base && h->id == e.id) due.push_back(h);
  }
  void* data = e.data.empty() ? nullptr : e.data.data();
  for (const auto& h : due) h->fn(h->arg, e.base, e.id, data);
}

}  // namespace espnow::emul::detail

using espnow::emul::detail::EventLoop;
using espnow::emul::detail::services;

namespace {

constexpr std::size_t kQueueLen = 32;  // CONFIG_ESP_SYSTEM_EVENT_QUEUE_SIZE

// Runs fn on the selected chip's default loop, or ESP_ERR_INVALID_STATE.
template <class Fn>
esp_err_t with_loop(Fn fn) {
  auto& s = services();
  std::unique_lock lk(s.mutex);
  EventLoop* loop = s.default_loop.get();
  if (!loop) return ESP_ERR_INVALID_STATE;
  lk.unlock();  // a post may wait for room; the loop outlives it unless deleted meanwhile
  return fn(*loop);
}

}  // namespace

extern "C" {

esp_err_t esp_event_loop_create_default(void) {
  auto& s = services();
  std::lock_guard lk(s.mutex);
  if (s.default_loop) return ESP_ERR_INVALID_STATE;
  s.default_loop = std::make_unique<EventLoop>(&s.chip, s.clock, kQueueLen);
  return ESP_OK;
}

esp_err_t esp_event_loop_delete_default(void) {
  auto& s = services();
  std::unique_ptr<EventLoop> loop;
  {
    std::lock_guard lk(s.mutex);
    if (!s.default_loop) return ESP_ERR_INVALID_STATE;
    loop = std::move(s.default_loop);
  }
  return ESP_OK;  // `loop` ends its task here, outside the lock
}

esp_err_t esp_event_handler_register(esp_event_base_t base, int32_t id, esp_event_handler_t fn, void* arg) {
  return with_loop([&](EventLoop& l) { return l.add(base, id, fn, arg, true, nullptr); });
}

esp_err_t esp_event_handler_unregister(esp_event_base_t base, int32_t id, esp_event_handler_t fn) {
  return with_loop([&](EventLoop& l) { return l.remove(base, id, fn, nullptr); });
}

esp_err_t esp_event_handler_instance_register(esp_event_base_t base, int32_t id, esp_event_handler_t fn, void* arg,
                                              esp_event_handler_instance_t* instance) {
  return with_loop([&](EventLoop& l) { return l.add(base, id, fn, arg, false, instance); });
}

esp_err_t esp_event_handler_instance_unregister(esp_event_base_t base, int32_t id,
                                                esp_event_handler_instance_t instance) {
  if (!instance) return ESP_ERR_INVALID_ARG;
  return with_loop([&](EventLoop& l) { return l.remove(base, id, nullptr, instance); });
}

esp_err_t esp_event_post(esp_event_base_t base, int32_t id, const void* data, size_t size, TickType_t ticks) {
  return with_loop([&](EventLoop& l) { return l.post(base, id, data, size, ticks); });
}

}  // extern "C"
