// HugePageArena: objects made in 2 MB pieces, aligned, apart, destroyed by
// their owners.
#include "espnow/sim/huge_page_arena.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#if defined(__linux__)
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

using espnow::sim::HugePageArena;

namespace {

struct alignas(64) Counted {
  explicit Counted(int& counter, int v) : live(counter), value(v) { ++live; }
  ~Counted() { --live; }
  int& live;
  int value;
  char payload[200];
};

std::uintptr_t address(const void* p) { return reinterpret_cast<std::uintptr_t>(p); }

}  // namespace

TEST(HugePageArena, MakesAlignedObjectsThatDoNotOverlapAcrossPieces) {
  int live = 0;
  {
    HugePageArena arena;
    std::vector<std::unique_ptr<Counted, HugePageArena::Destroy>> made;
    const int n = 3 * static_cast<int>(HugePageArena::kPiece / sizeof(Counted));  // three pieces' worth
    for (int i = 0; i < n; ++i) made.emplace_back(arena.make<Counted>(live, i));
    EXPECT_EQ(live, n);
    std::vector<std::uintptr_t> at;
    for (int i = 0; i < n; ++i) {
      EXPECT_EQ(made[i]->value, i);
      EXPECT_EQ(address(made[i].get()) % alignof(Counted), 0u);
      at.push_back(address(made[i].get()));
    }
    std::sort(at.begin(), at.end());
    for (std::size_t i = 1; i < at.size(); ++i) ASSERT_GE(at[i] - at[i - 1], sizeof(Counted));
    // Each piece starts on a huge page: the first object of the arena does.
    EXPECT_EQ(address(made[0].get()) % HugePageArena::kPiece, 0u);
    made.clear();
    EXPECT_EQ(live, 0);
  }
}

TEST(HugePageArena, AnObjectLargerThanAPieceGetsItsOwn) {
  HugePageArena arena;
  const std::size_t big = HugePageArena::kPiece + 4096;
  auto* p = static_cast<unsigned char*>(arena.allocate(big, 64));
  p[0] = 1;
  p[big - 1] = 2;  // all of it is there
  EXPECT_EQ(address(p) % HugePageArena::kPiece, 0u);
  auto* q = static_cast<unsigned char*>(arena.allocate(16, 8));
  EXPECT_TRUE(address(q) >= address(p) + big || address(q) + 16 <= address(p));
}

#if defined(__SANITIZE_THREAD__)
#define ESPNOW_TEST_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define ESPNOW_TEST_TSAN 1
#endif
#endif

#if defined(__linux__)
// Minor page faults taken by the calling thread so far.
static long thread_faults() {
  rusage u{};
  getrusage(RUSAGE_THREAD, &u);
  return u.ru_minflt;
}

// Waits (up to a deadline, not a fixed time) until `n` pieces are ready.
static bool prepared(std::size_t n) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (HugePageArena::prepared_pieces() < n) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

TEST(HugePageArena, PiecesPreparedAheadCostTheTakerNoPageFault) {
  HugePageArena::prepare_ahead(2);
  if (!HugePageArena::maps()) {
    // AddressSanitizer's build takes its pieces from operator new: no stock.
    EXPECT_EQ(HugePageArena::prepared_pieces(), 0u);
    return;
  }
  ASSERT_TRUE(prepared(2));
  HugePageArena arena;
  const long before = thread_faults();
  auto* piece = static_cast<volatile unsigned char*>(arena.allocate(HugePageArena::kPiece, 64));
  bool zero = true;
  for (std::size_t at = 0; at < HugePageArena::kPiece; at += 4096) {
    zero = zero && piece[at] == 0;
    piece[at] = 1;
  }
  // Mapped and written by the stock's thread: its pages exist, none faults here
  // (a piece mapped here takes one fault per huge page, or 512 per piece).
  // ThreadSanitizer's build also faults in its own shadow of every page this
  // thread touches first, which a fault count cannot tell apart.
#if !defined(ESPNOW_TEST_TSAN)
  EXPECT_EQ(thread_faults() - before, 0);
#else
  (void)before;
#endif
  EXPECT_TRUE(zero);
  EXPECT_TRUE(prepared(2));  // and the stock fills up again
}

TEST(HugePageArena, AProcessForkedFromOneWithAStockMapsItsOwnPieces) {
  HugePageArena::prepare_ahead(2);
  ASSERT_TRUE(!HugePageArena::maps() || prepared(2));
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // No stock thread here, and its mutex may have been held at the fork.
    bool ok = HugePageArena::prepared_pieces() == 0;
    HugePageArena arena;
    for (int i = 0; i < 3; ++i) {
      auto* p = static_cast<volatile unsigned char*>(arena.allocate(HugePageArena::kPiece, 64));
      p[0] = 1;
      p[HugePageArena::kPiece - 1] = 2;
      ok = ok && p[0] == 1 && p[HugePageArena::kPiece - 1] == 2;
    }
    _exit(ok ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}
#endif
