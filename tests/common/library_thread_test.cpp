// The library's own threads leave the process's signals to the application's
// threads (espnow/common/library_thread.hpp).
#include "espnow/common/library_thread.hpp"

#include <gtest/gtest.h>
#include <sys/syscall.h>
#include <sched.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>
#include <csignal>

namespace {

using espnow::start_library_thread;

bool blocked_here(int sig) {
  sigset_t now;
  pthread_sigmask(SIG_BLOCK, nullptr, &now);
  return sigismember(&now, sig) == 1;
}

TEST(LibraryThread, IsBornBlockingTheProcessSignalsAndNotTheFaults) {
  bool interrupt = false, terminate = false, child = false, segv = true, pipe = true;
  start_library_thread([&] {
    interrupt = blocked_here(SIGINT);
    terminate = blocked_here(SIGTERM);
    child = blocked_here(SIGCHLD);
    segv = blocked_here(SIGSEGV);
    pipe = blocked_here(SIGPIPE);
  }).join();
  EXPECT_TRUE(interrupt);
  EXPECT_TRUE(terminate);
  EXPECT_TRUE(child);
  EXPECT_FALSE(segv);
  EXPECT_FALSE(pipe);
}

TEST(LibraryThread, LeavesItsCallersMaskAsItWas) {
  ASSERT_FALSE(blocked_here(SIGINT));
  start_library_thread([] {}).join();
  EXPECT_FALSE(blocked_here(SIGINT));
  sigset_t usr1;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &usr1, nullptr);
  start_library_thread([] {}).join();
  EXPECT_TRUE(blocked_here(SIGUSR1));  // the caller's own blocking stays
  EXPECT_FALSE(blocked_here(SIGINT));
  pthread_sigmask(SIG_UNBLOCK, &usr1, nullptr);
}

std::atomic<long> g_handled_by{0};

long this_thread_id() { return static_cast<long>(::syscall(SYS_gettid)); }

// A signal sent to the process while a library thread runs reaches the
// application's thread, even when that thread blocks it for a moment (as
// glibc's pthread_create does): it waits for the thread's mask. A library
// thread that took signals would take it on its next return from the kernel.
TEST(LibraryThread, ASignalToTheProcessWaitsForTheApplicationsThread) {
  struct sigaction sa {}, old{};
  sa.sa_handler = [](int) { g_handled_by = this_thread_id(); };
  ASSERT_EQ(sigaction(SIGUSR2, &sa, &old), 0);
  std::atomic<bool> release{false};
  std::atomic<std::uint64_t> turns{0};
  std::thread worker = start_library_thread([&] {
    while (!release) {
      sched_yield();  // a return from the kernel, where a signal is taken
      ++turns;
    }
  });
  sigset_t usr2;
  sigemptyset(&usr2);
  sigaddset(&usr2, SIGUSR2);
  pthread_sigmask(SIG_BLOCK, &usr2, nullptr);
  ASSERT_EQ(::kill(::getpid(), SIGUSR2), 0);
  const std::uint64_t after_kill = turns.load();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (turns.load() < after_kill + 2 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  ASSERT_GE(turns.load(), after_kill + 2) << "the worker stopped turning";
  EXPECT_EQ(g_handled_by.load(), 0) << "a library thread took the process's signal";
  pthread_sigmask(SIG_UNBLOCK, &usr2, nullptr);  // delivered here, before this returns
  EXPECT_EQ(g_handled_by.load(), this_thread_id());
  release = true;
  worker.join();
  sigaction(SIGUSR2, &old, nullptr);
}

}  // namespace
