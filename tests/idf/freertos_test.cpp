// The emulated FreeRTOS: ticks, tasks, notifications, queues, semaphores,
// mutexes, software timers and event groups, with their error paths; and a
// C program (freertos_program.c) that uses them together. Waits that must
// time out are short and bounded; nothing sleeps to let time pass.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "freertos/FreeRTOS.h"
#include "freertos/event_groups.h"
#include "freertos/queue.h"
#include "freertos/semphr.h"
#include "freertos/task.h"
#include "freertos/timers.h"
#include "freertos_program.h"
#include "espnow/radio/sim_air.hpp"
#include "espnow_emul.hpp"
#include "support/wait_for.hpp"

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

// A wait of `ticks` that times out lasts at least that long.
template <class Fn>
Clock::duration timed(Fn fn) {
  const auto start = Clock::now();
  fn();
  return Clock::now() - start;
}

}  // namespace

TEST(FreeRtosTicks, FollowConfigFreertosHz) {
  EXPECT_EQ(configTICK_RATE_HZ, 100);  // ESP-IDF's default, with no sdkconfig.h
  EXPECT_EQ(portTICK_PERIOD_MS, 10u);
  EXPECT_EQ(pdMS_TO_TICKS(1000), 100u);
  EXPECT_EQ(pdMS_TO_TICKS(5), 0u);  // rounds down, as FreeRTOS does
  EXPECT_EQ(pdTICKS_TO_MS(3), 30u);
  const TickType_t before = xTaskGetTickCount();
  vTaskDelay(2);
  EXPECT_GE(xTaskGetTickCount() - before, 2u);
}

TEST(FreeRtosQueue, IsFifoAndSaysFullAndEmpty) {
  EXPECT_EQ(xQueueCreate(0, 4), nullptr);
  QueueHandle_t q = xQueueCreate(2, sizeof(int));
  ASSERT_NE(q, nullptr);
  int v = 1, out = 0;
  EXPECT_EQ(xQueueSend(q, &v, 0), pdPASS);
  v = 2;
  EXPECT_EQ(xQueueSendToFront(q, &v, 0), pdPASS);
  v = 3;
  EXPECT_EQ(xQueueSend(q, &v, 0), errQUEUE_FULL);
  EXPECT_EQ(uxQueueMessagesWaiting(q), 2u);
  EXPECT_EQ(uxQueueSpacesAvailable(q), 0u);
  EXPECT_EQ(xQueuePeek(q, &out, 0), pdPASS);
  EXPECT_EQ(out, 2);
  EXPECT_EQ(xQueueReceive(q, &out, 0), pdPASS);
  EXPECT_EQ(out, 2);
  EXPECT_EQ(xQueueReceive(q, &out, 0), pdPASS);
  EXPECT_EQ(out, 1);
  EXPECT_EQ(xQueueReceive(q, &out, 0), errQUEUE_EMPTY);
  EXPECT_EQ(xQueueSend(nullptr, &v, 0), errQUEUE_FULL);
  EXPECT_EQ(xQueueReceive(nullptr, &out, 0), errQUEUE_EMPTY);
  vQueueDelete(q);
}

TEST(FreeRtosQueue, AReceiveWithTicksTimesOutAfterThemAndAnotherThreadWakesIt) {
  QueueHandle_t q = xQueueCreate(1, sizeof(int));
  int out = 0;
  EXPECT_GE(timed([&] { EXPECT_EQ(xQueueReceive(q, &out, 3), errQUEUE_EMPTY); }), 30ms);
  std::thread sender([q] {
    int v = 42;
    xQueueSend(q, &v, portMAX_DELAY);
  });
  EXPECT_EQ(xQueueReceive(q, &out, portMAX_DELAY), pdTRUE);
  EXPECT_EQ(out, 42);
  sender.join();
  vQueueDelete(q);
}

TEST(FreeRtosQueue, OverwriteResetAndTheFromIsrForms) {
  QueueHandle_t q = xQueueCreate(1, sizeof(int));
  int v = 1, out = 0;
  BaseType_t woken = pdTRUE;
  EXPECT_EQ(xQueueOverwrite(q, &v), pdPASS);
  v = 2;
  EXPECT_EQ(xQueueOverwrite(q, &v), pdPASS);
  EXPECT_EQ(xQueueSendFromISR(q, &v, &woken), errQUEUE_FULL);
  EXPECT_EQ(woken, pdFALSE);
  EXPECT_EQ(xQueueReceiveFromISR(q, &out, &woken), pdPASS);
  EXPECT_EQ(out, 2);
  EXPECT_EQ(xQueueSendFromISR(q, &v, nullptr), pdPASS);
  EXPECT_EQ(xQueueReset(q), pdPASS);
  EXPECT_EQ(uxQueueMessagesWaiting(q), 0u);
  vQueueDelete(q);
}

TEST(FreeRtosSemaphore, BinaryStartsEmptyAndHoldsOneGive) {
  SemaphoreHandle_t s = xSemaphoreCreateBinary();
  EXPECT_EQ(xSemaphoreTake(s, 0), pdFALSE);
  EXPECT_EQ(xSemaphoreGive(s), pdTRUE);
  EXPECT_EQ(xSemaphoreGive(s), pdFALSE);
  EXPECT_EQ(uxSemaphoreGetCount(s), 1u);
  EXPECT_EQ(xSemaphoreTake(s, 0), pdTRUE);
  BaseType_t woken = pdTRUE;
  EXPECT_EQ(xSemaphoreGiveFromISR(s, &woken), pdTRUE);
  EXPECT_EQ(woken, pdFALSE);
  vSemaphoreDelete(s);
}

TEST(FreeRtosSemaphore, CountingKeepsItsBoundsAndRefusesBadCounts) {
  EXPECT_EQ(xSemaphoreCreateCounting(0, 0), nullptr);
  EXPECT_EQ(xSemaphoreCreateCounting(2, 3), nullptr);
  SemaphoreHandle_t s = xSemaphoreCreateCounting(3, 2);
  EXPECT_EQ(uxSemaphoreGetCount(s), 2u);
  EXPECT_EQ(xSemaphoreGive(s), pdTRUE);
  EXPECT_EQ(xSemaphoreGive(s), pdFALSE);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(xSemaphoreTake(s, 0), pdTRUE);
  EXPECT_EQ(xSemaphoreTake(s, 1), pdFALSE);
  vSemaphoreDelete(s);
}

TEST(FreeRtosSemaphore, AMutexIsGivenOnlyByItsHolderAndARecursiveOneCounts) {
  SemaphoreHandle_t m = xSemaphoreCreateMutex();
  EXPECT_EQ(xSemaphoreGive(m), pdFALSE);  // not held
  EXPECT_EQ(xSemaphoreTake(m, 0), pdTRUE);
  EXPECT_EQ(xSemaphoreGetMutexHolder(m), xTaskGetCurrentTaskHandle());
  std::thread other([m] {
    EXPECT_EQ(xSemaphoreGive(m), pdFALSE);  // another task's mutex
    EXPECT_EQ(xSemaphoreTake(m, 1), pdFALSE);
  });
  other.join();
  EXPECT_EQ(xSemaphoreGive(m), pdTRUE);
  vSemaphoreDelete(m);

  SemaphoreHandle_t r = xSemaphoreCreateRecursiveMutex();
  EXPECT_EQ(xSemaphoreTakeRecursive(r, 0), pdTRUE);
  EXPECT_EQ(xSemaphoreTakeRecursive(r, 0), pdTRUE);
  EXPECT_EQ(xSemaphoreGiveRecursive(r), pdTRUE);
  std::thread still_held([r] { EXPECT_EQ(xSemaphoreTakeRecursive(r, 1), pdFALSE); });
  still_held.join();
  EXPECT_EQ(xSemaphoreGiveRecursive(r), pdTRUE);
  EXPECT_EQ(xSemaphoreGiveRecursive(r), pdFALSE);
  std::thread free_now([r] {
    EXPECT_EQ(xSemaphoreTakeRecursive(r, 0), pdTRUE);
    EXPECT_EQ(xSemaphoreGiveRecursive(r), pdTRUE);
  });
  free_now.join();
  vSemaphoreDelete(r);
}

namespace {
struct TaskProbe {
  std::atomic<int> step{0};
  TaskHandle_t parent = nullptr;
  espnow::emul::EmulatedChip* chip = nullptr;
};
void probe_task(void* arg) {
  auto* p = static_cast<TaskProbe*>(arg);
  p->chip = espnow::emul::selected_chip_or_null();
  p->step = 1;
  xTaskNotifyGive(p->parent);
  vTaskDelete(nullptr);
  p->step = 2;  // never
}
}  // namespace

TEST(FreeRtosTask, RunsWithItsParameterAndCreatorsChipAndEndsAtVTaskDeleteNull) {
  espnow::SimAir air;
  auto chip = espnow::emul::EmulatedChip::create(air, {});
  ASSERT_TRUE(chip.ok());
  espnow::emul::ScopedChip use(chip->get());
  TaskProbe p;
  p.parent = xTaskGetCurrentTaskHandle();
  TaskHandle_t h = nullptr;
  ASSERT_EQ(xTaskCreatePinnedToCore(probe_task, "probe", 4096, &p, 5, &h, 1), pdPASS);
  EXPECT_EQ(ulTaskNotifyTake(pdTRUE, pdMS_TO_TICKS(5000)), 1u);
  EXPECT_TRUE(espnow::test::wait_for([&] { return eTaskGetState(h) == eDeleted; }));
  EXPECT_EQ(p.step.load(), 1);
  EXPECT_EQ(p.chip, chip->get());
  EXPECT_STREQ(pcTaskGetName(h), "probe");
}

namespace {
// A task blocked for good on a queue or an event group; `exited` is set as
// its thread ends (pthread_exit unwinds its frame), `taken` counts what its
// waits returned.
struct Waiter {
  QueueHandle_t queue = nullptr;
  EventGroupHandle_t group = nullptr;
  std::atomic<int> taken{0};
  std::atomic<bool> exited{false};
};
void waiting_task(void* arg) {
  auto* w = static_cast<Waiter*>(arg);
  struct OnExit {
    Waiter* w;
    ~OnExit() { w->exited = true; }
  } on_exit{w};
  for (int v = 0;;) {
    const bool got = w->queue ? xQueueReceive(w->queue, &v, portMAX_DELAY) == pdTRUE
                              : xEventGroupWaitBits(w->group, BIT0, pdTRUE, pdFALSE, portMAX_DELAY) & BIT0;
    if (got) ++w->taken;
  }
}
TaskHandle_t start_waiter(Waiter& w) {
  TaskHandle_t h = nullptr;
  EXPECT_EQ(xTaskCreate(waiting_task, "waiter", 4096, &w, 5, &h), pdPASS);
  EXPECT_TRUE(espnow::test::wait_for([&] { return eTaskGetState(h) == eBlocked; }));
  return h;
}
void sleeping_task(void*) {
  for (;;) vTaskDelay(pdMS_TO_TICKS(1000000));
}
}  // namespace

// On a chip a deleted task never runs again: woken in its wait, it ends
// there, and what comes next is for others.
TEST(FreeRtosTask, ADeletedTaskBlockedOnAQueueEndsInItsWaitAndNeverTakesTheNextItem) {
  Waiter w;
  w.queue = xQueueCreate(4, sizeof(int));
  TaskHandle_t h = start_waiter(w);
  vTaskDelete(h);
  EXPECT_EQ(eTaskGetState(h), eDeleted);
  ASSERT_TRUE(espnow::test::wait_for([&] { return w.exited.load(); }));
  const int v = 42;
  ASSERT_EQ(xQueueSend(w.queue, &v, 0), pdPASS);
  int got = 0;
  EXPECT_EQ(xQueueReceive(w.queue, &got, 0), pdTRUE);
  EXPECT_EQ(got, 42);
  EXPECT_EQ(w.taken.load(), 0);
  vQueueDelete(w.queue);
}

TEST(FreeRtosTask, ADeletedTaskBlockedOnAnEventGroupEndsInItsWait) {
  Waiter w;
  w.group = xEventGroupCreate();
  TaskHandle_t h = start_waiter(w);
  vTaskDelete(h);
  ASSERT_TRUE(espnow::test::wait_for([&] { return w.exited.load(); }));
  xEventGroupSetBits(w.group, BIT0);
  EXPECT_EQ(xEventGroupGetBits(w.group), BIT0);  // nobody cleared it on exit
  EXPECT_EQ(w.taken.load(), 0);
  vEventGroupDelete(w.group);
}

// eBlocked in a delay and in a wait (eRunning for the caller itself); no
// vTaskSuspend is emulated, so never eSuspended.
TEST(FreeRtosTask, ATaskInADelayIsBlockedAndOnceDeletedDeleted) {
  TaskHandle_t h = nullptr;
  ASSERT_EQ(xTaskCreate(sleeping_task, "sleeper", 4096, nullptr, 5, &h), pdPASS);
  EXPECT_TRUE(espnow::test::wait_for([&] { return eTaskGetState(h) == eBlocked; }));
  EXPECT_EQ(eTaskGetState(xTaskGetCurrentTaskHandle()), eRunning);
  vTaskDelete(h);
  EXPECT_EQ(eTaskGetState(h), eDeleted);
}

TEST(FreeRtosTask, BadArgumentsAreRefused) {
  EXPECT_NE(xTaskCreate(nullptr, "x", 4096, nullptr, 1, nullptr), pdPASS);
  EXPECT_NE(xTaskCreate(probe_task, "x", 4096, nullptr, configMAX_PRIORITIES, nullptr), pdPASS);
  EXPECT_NE(xTaskCreatePinnedToCore(probe_task, "x", 4096, nullptr, 1, nullptr, 2), pdPASS);
}

TEST(FreeRtosTask, NotificationsCarryValuesAndTimeOut) {
  TaskHandle_t self = xTaskGetCurrentTaskHandle();
  EXPECT_EQ(ulTaskNotifyTake(pdTRUE, 1), 0u);
  uint32_t value = 0;
  EXPECT_EQ(xTaskNotify(self, 0x5, eSetBits), pdPASS);
  EXPECT_EQ(xTaskNotify(self, 0x9, eSetValueWithoutOverwrite), pdFAIL);  // one is pending
  EXPECT_EQ(xTaskNotifyWait(0, 0xFFFFFFFFu, &value, 0), pdTRUE);
  EXPECT_EQ(value, 0x5u);
  EXPECT_EQ(xTaskNotifyWait(0, 0, &value, 1), pdFALSE);
  EXPECT_EQ(xTaskNotifyGive(self), pdPASS);
  EXPECT_EQ(xTaskNotifyGive(self), pdPASS);
  EXPECT_EQ(ulTaskNotifyTake(pdFALSE, 0), 2u);  // counts down by one
  EXPECT_EQ(ulTaskNotifyTake(pdTRUE, 0), 1u);
  EXPECT_EQ(xTaskNotify(nullptr, 1, eSetBits), pdFAIL);
}

namespace {
std::atomic<int> g_fired{0};
void count_timer(TimerHandle_t t) {
  g_fired++;
  *static_cast<std::atomic<int>*>(pvTimerGetTimerID(t)) += 1;
}
}  // namespace

TEST(FreeRtosTimers, AOneShotFiresOnceAndAnAutoReloadOneUntilStopped) {
  EXPECT_EQ(xTimerCreate("zero", 0, pdFALSE, nullptr, count_timer), nullptr);
  EXPECT_EQ(xTimerCreate("nocb", 1, pdFALSE, nullptr, nullptr), nullptr);
  EXPECT_EQ(xTimerStart(nullptr, 0), pdFAIL);
  std::atomic<int> once{0}, many{0};
  TimerHandle_t a = xTimerCreate("once", 1, pdFALSE, &once, count_timer);
  TimerHandle_t b = xTimerCreate("many", 1, pdTRUE, &many, count_timer);
  EXPECT_EQ(xTimerIsTimerActive(a), pdFALSE);
  ASSERT_EQ(xTimerStart(a, 0), pdPASS);
  ASSERT_EQ(xTimerStart(b, 0), pdPASS);
  EXPECT_TRUE(espnow::test::wait_for([&] { return many >= 3; }));
  EXPECT_EQ(xTimerStop(b, 0), pdPASS);
  EXPECT_EQ(xTimerIsTimerActive(b), pdFALSE);
  EXPECT_TRUE(espnow::test::wait_for([&] { return once == 1; }));
  EXPECT_EQ(xTimerIsTimerActive(a), pdFALSE);
  EXPECT_STREQ(pcTimerGetName(b), "many");
  EXPECT_EQ(xTimerChangePeriod(b, 0, 0), pdFAIL);
  EXPECT_EQ(xTimerChangePeriod(b, 50, 0), pdPASS);  // starts it again
  EXPECT_EQ(xTimerIsTimerActive(b), pdTRUE);
  EXPECT_EQ(xTimerGetPeriod(b), 50u);
  EXPECT_EQ(xTimerDelete(b, 0), pdPASS);  // its callback is not running and will not run
  EXPECT_EQ(xTimerDelete(a, 0), pdPASS);
  EXPECT_EQ(once.load(), 1);
}

TEST(FreeRtosEventGroups, WaitForAnyOrAllClearOnExitAndTimeOut) {
  EventGroupHandle_t g = xEventGroupCreate();
  EXPECT_EQ(xEventGroupSetBits(g, 0x1u | 0xFF000000u), 0x1u);  // the kernel's byte is not set
  EXPECT_EQ(xEventGroupWaitBits(g, 0x3, pdFALSE, pdFALSE, 0), 0x1u);      // any: met
  EXPECT_EQ(xEventGroupWaitBits(g, 0x3, pdFALSE, pdTRUE, 2) & 0x3, 0x1u);  // all: times out
  std::thread setter([g] { xEventGroupSetBits(g, 0x2); });
  EXPECT_EQ(xEventGroupWaitBits(g, 0x3, pdTRUE, pdTRUE, portMAX_DELAY) & 0x3, 0x3u);
  setter.join();
  EXPECT_EQ(xEventGroupGetBits(g), 0u);  // cleared on exit
  xEventGroupSetBits(g, 0x4);
  EXPECT_EQ(xEventGroupClearBits(g, 0x4), 0x4u);
  EXPECT_EQ(xEventGroupWaitBits(g, 0, pdFALSE, pdFALSE, 0), 0u);  // no bits asked: refused
  EXPECT_EQ(xEventGroupWaitBits(nullptr, 1, pdFALSE, pdFALSE, 0), 0u);
  vEventGroupDelete(g);
}

TEST(FreeRtosCritical, APortMuxIsRecursiveForItsHolderAndExcludesOthers) {
  static portMUX_TYPE mux = portMUX_INITIALIZER_UNLOCKED;
  int counter = 0;
  auto work = [&] {
    for (int i = 0; i < 10000; ++i) {
      taskENTER_CRITICAL(&mux);
      taskENTER_CRITICAL(&mux);
      ++counter;
      taskEXIT_CRITICAL(&mux);
      taskEXIT_CRITICAL(&mux);
    }
  };
  std::thread t1(work), t2(work);
  t1.join();
  t2.join();
  EXPECT_EQ(counter, 20000);
}

TEST(FreeRtosProgram, ACProgramOfTasksQueuesTimersAndEventGroupsRuns) { EXPECT_EQ(freertos_program_run(), 0); }
