// FreeRTOS event groups: 24 bits under a mutex, waiters on a condition variable.
#include "freertos/event_groups.h"
#include "freertos_kernel.hpp"

using namespace espnow::emul::rtos;

struct EventGroupDef_t {
  std::mutex mutex;
  std::condition_variable cv;
  EventBits_t bits = 0;
};

namespace {
constexpr EventBits_t kUsable = 0x00FFFFFFu;  // the top byte is the kernel's

bool met(EventBits_t bits, EventBits_t wanted, bool all) { return all ? (bits & wanted) == wanted : (bits & wanted) != 0; }
}  // namespace

extern "C" {

EventGroupHandle_t xEventGroupCreate(void) { return new EventGroupDef_t; }
void vEventGroupDelete(EventGroupHandle_t xEventGroup) { delete xEventGroup; }

EventBits_t xEventGroupSetBits(EventGroupHandle_t g, const EventBits_t uxBitsToSet) {
  if (!g) return 0;
  std::lock_guard lk(g->mutex);
  g->bits |= uxBitsToSet & kUsable;
  wake(g->cv);
  return g->bits;
}

EventBits_t xEventGroupClearBits(EventGroupHandle_t g, const EventBits_t uxBitsToClear) {
  if (!g) return 0;
  std::lock_guard lk(g->mutex);
  const EventBits_t before = g->bits;
  g->bits &= ~uxBitsToClear;
  return before;
}

EventBits_t xEventGroupGetBits(EventGroupHandle_t g) {
  if (!g) return 0;
  std::lock_guard lk(g->mutex);
  return g->bits;
}

EventBits_t xEventGroupWaitBits(EventGroupHandle_t g, const EventBits_t uxBitsToWaitFor, const BaseType_t xClearOnExit,
                                const BaseType_t xWaitForAllBits, TickType_t xTicksToWait) {
  if (!g || (uxBitsToWaitFor & kUsable) == 0 || (uxBitsToWaitFor & ~kUsable)) return 0;  // the kernel asserts
  if (xTicksToWait) honour_deletion();
  std::unique_lock lk(g->mutex);
  const bool all = xWaitForAllBits != pdFALSE;
  const bool ok = wait_ticks(lk, g->cv, xTicksToWait, [&] { return met(g->bits, uxBitsToWaitFor, all); });
  const EventBits_t bits = g->bits;
  if (ok && xClearOnExit) g->bits &= ~uxBitsToWaitFor;
  return bits;
}

EventBits_t xEventGroupSync(EventGroupHandle_t g, const EventBits_t uxBitsToSet, const EventBits_t uxBitsToWaitFor,
                            TickType_t xTicksToWait) {
  if (!g) return 0;
  if (xTicksToWait) honour_deletion();
  std::unique_lock lk(g->mutex);
  g->bits |= uxBitsToSet & kUsable;
  wake(g->cv);
  const bool ok = wait_ticks(lk, g->cv, xTicksToWait, [&] { return met(g->bits, uxBitsToWaitFor, true); });
  const EventBits_t bits = g->bits;
  if (ok) g->bits &= ~uxBitsToWaitFor;
  return bits;
}

}  // extern "C"
