// ESPNow::set_drop_observer: every received frame that is dropped is reported
// with its reason and sender, as it happens; frames that lose nothing
// (MAC retries, frames for other devices) are not.
#include <gtest/gtest.h>
#include "support/expect.hpp"

#include <mutex>
#include <vector>

#include "espnow/devices/sim_devices.hpp"

using namespace espnow;
using namespace espnow::literals;

namespace {

constexpr MacAddress kA = "02:00:00:00:00:0a"_mac, kB = "02:00:00:00:00:0b"_mac;
const std::uint8_t kLmk[16] = {'l', 'o', 'c', 'a', 'l', '-', 'm', 'a', 's', 't', 'e', 'r', '-', 'k', 'e', 'y'};

struct Drop {
  DropReason reason;
  MacAddress src;
  bool operator==(const Drop&) const = default;
};

// Records what the observer is told (it runs on the delivering thread).
struct DropRecorder {
  static void observe(void* self, DropReason reason, const MacAddress& src) {
    auto* r = static_cast<DropRecorder*>(self);
    std::lock_guard lk(r->mutex);
    r->drops.push_back({reason, src});
  }
  std::vector<Drop> seen() {
    std::lock_guard lk(mutex);
    return drops;
  }
  std::mutex mutex;
  std::vector<Drop> drops;
};

class DropObserver : public ::testing::Test {
 protected:
  DropObserver() {
    for (SimDevice* d : {&a, &b}) EXPECT_OK(d->espnow().active(true));
    EXPECT_OK(a.espnow().add_peer(kB));
    b.espnow().set_drop_observer(&DropRecorder::observe, &recorder);
  }
  SimDevices air;
  SimDevice& a = **air.add_device({.mac = kA});
  SimDevice& b = **air.add_device({.mac = kB});
  DropRecorder recorder;
};

}  // namespace

TEST_F(DropObserver, AnEncryptedFrameFromASenderWithoutAKeyIsReportedWithItsSender) {
  ASSERT_OK(a.espnow().mod_peer(kB, {.lmk = kLmk}));
  EXPECT_TRUE(*a.espnow().send(kB, bytes("secret")));
  EXPECT_EQ(recorder.seen(), (std::vector<Drop>{{DropReason::unknown_sender, kA}}));
  EXPECT_EQ(b.link().stats().rx_encrypted, 1u);
}

TEST_F(DropObserver, AWrongKeyIsReportedAsAMicFailure) {
  ASSERT_OK(a.espnow().mod_peer(kB, {.lmk = kLmk}));
  std::uint8_t wrong[16];
  std::copy(std::begin(kLmk), std::end(kLmk), wrong);
  wrong[0] ^= 1;
  ASSERT_OK(b.espnow().add_peer(kA, {.lmk = wrong}));
  EXPECT_TRUE(*a.espnow().send(kB, bytes("secret")));
  EXPECT_EQ(recorder.seen(), (std::vector<Drop>{{DropReason::mic_failure, kA}}));
}

TEST_F(DropObserver, AV2MessageTooLongForAV1DeviceIsReported) {
  ASSERT_OK(a.espnow().config({.version = 2}));
  EXPECT_TRUE(*a.espnow().send(kB, std::vector<std::uint8_t>(1000, 'x')));
  EXPECT_EQ(recorder.seen(), (std::vector<Drop>{{DropReason::too_long, kA}}));
}

TEST_F(DropObserver, AFullReceiveBufferIsReportedPerMessage) {
  const std::vector<std::uint8_t> msg(250, 'x');
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(*a.espnow().send(kB, msg));  // the default buffer holds two
  EXPECT_EQ(recorder.seen(), (std::vector<Drop>{{DropReason::buffer_full, kA}}));
  EXPECT_EQ(b.espnow().stats().rx_dropped, 1u);
}

TEST_F(DropObserver, DeliveredMessagesAreNotReportedAndARemovedObserverHearsNothing) {
  EXPECT_TRUE(*a.espnow().send(kB, bytes("fine")));
  EXPECT_TRUE(recorder.seen().empty());
  b.espnow().set_drop_observer(nullptr, nullptr);
  ASSERT_OK(a.espnow().config({.version = 2}));
  EXPECT_TRUE(*a.espnow().send(kB, std::vector<std::uint8_t>(1000, 'x')));
  EXPECT_TRUE(recorder.seen().empty());
  EXPECT_EQ(b.link().stats().rx_too_long, 1u);  // still counted
}

TEST(DropReasons, EachHasAStableName) {
  EXPECT_EQ(drop_reason_name(DropReason::malformed), "malformed");
  EXPECT_EQ(drop_reason_name(DropReason::unknown_sender), "unknown_sender");
  EXPECT_EQ(drop_reason_name(DropReason::buffer_full), "buffer_full");
}
