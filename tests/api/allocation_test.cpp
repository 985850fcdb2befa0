// Fixed memory in the hot path (DESIGN.md): once warmed up, send(sync=False),
// irecv and recvinto allocate nothing. A counting operator new proves it.
// Built twice, like the behaviour table: the second run (ESPNOW_TEST_OVER_IDF)
// counts IdfLink's callbacks and the emulated Wi-Fi tasks too.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "support/test_devices.hpp"
#include "support/expect.hpp"

namespace {
std::atomic<long> g_allocations{0};
}

// GCC sees free() in operator delete and, inlining, warns of a mismatch; but
// this operator delete is the partner of the operator new just above.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

void* operator new(std::size_t n) {
  ++g_allocations;
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

using namespace espnow;
using namespace espnow::literals;

TEST(Allocation, SendAsyncIrecvAndRecvintoAllocateNothingInSteadyState) {
  TestAir air;
  TestDevice& a = **air.add_device({.mac = "02:00:00:00:00:01"_mac});
  TestDevice& b = **air.add_device({.mac = "02:00:00:00:00:02"_mac});
  ASSERT_OK(a.espnow().active(true));
  ASSERT_OK(b.espnow().active(true));
  ASSERT_OK(a.espnow().add_peer(b.mac()));
  const std::vector<std::uint8_t> msg(250, 7);
  std::uint8_t buf[250];
  MessageView meta;
  auto round = [&] {
    (void)a.espnow().send(b.mac(), msg, false);
    (void)b.espnow().irecv(0);
    (void)a.espnow().send(b.mac(), msg, false);
    (void)b.espnow().recvinto(buf, &meta, 0);
  };
  for (int i = 0; i < 100; ++i) round();  // warm-up: peers_table entry, etc.
  const long before = g_allocations.load();
  for (int i = 0; i < 10000; ++i) round();
  EXPECT_EQ(g_allocations.load() - before, 0);
  EXPECT_EQ(b.espnow().stats().rx_packets, 20200u);
}
