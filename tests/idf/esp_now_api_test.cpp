// The emulated C API's edge cases: every error ESP-IDF documents for
// esp_now_* (SPEC §5) and the Wi-Fi calls around it, fetch_peer skipping
// group peers, send(NULL) to every unicast peer, the data buffer free on
// return, and callbacks on each chip's own Wi-Fi task.
#include <gtest/gtest.h>

#include <condition_variable>
#include <cstring>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "esp_mac.h"
#include "esp_now.h"
#include "esp_wifi.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"
#include "espnow/radio/sim_air.hpp"
#include "espnow_emul.hpp"
#include "support/wait_for.hpp"

using namespace espnow;
using namespace espnow::literals;

namespace {

constexpr MacAddress kA = "02:00:00:00:0a:00"_mac;
constexpr MacAddress kB = "02:00:00:00:0b:00"_mac;
constexpr MacAddress kC = "02:00:00:00:0c:00"_mac;
constexpr MacAddress kGroup = "33:00:00:00:00:01"_mac;
const MacAddress kBroadcast = MacAddress::broadcast();

// What the callbacks saw, by chip. C callbacks take no context, so the
// recorder is global; each chip's Wi-Fi task has its chip selected.
struct Recorder {
  struct Sent {
    emul::EmulatedChip* chip;
    MacAddress dst;
    esp_now_send_status_t status;
  };
  struct Received {
    emul::EmulatedChip* chip;
    MacAddress src, dst;
    std::string data;
    int rssi;
    std::thread::id thread;
    std::string task;  // pcTaskGetName(NULL): "wifi", as on the chip
  };
  std::mutex mutex;
  std::vector<Sent> sent;
  std::vector<Received> received;

  std::size_t sent_count() {
    std::lock_guard lk(mutex);
    return sent.size();
  }
  std::size_t received_count() {
    std::lock_guard lk(mutex);
    return received.size();
  }
} g_rec;

void on_send(const esp_now_send_info_t* info, esp_now_send_status_t status) {
  std::lock_guard lk(g_rec.mutex);
  g_rec.sent.push_back({&emul::selected_chip(), MacAddress::read(info->des_addr), status});
}

void on_recv(const esp_now_recv_info_t* info, const uint8_t* data, int len) {
  std::lock_guard lk(g_rec.mutex);
  g_rec.received.push_back({&emul::selected_chip(), MacAddress::read(info->src_addr), MacAddress::read(info->des_addr),
                            std::string(reinterpret_cast<const char*>(data), static_cast<std::size_t>(len)),
                            info->rx_ctrl->rssi, std::this_thread::get_id(), pcTaskGetName(nullptr)});
}

esp_now_peer_info_t peer(const MacAddress& mac, std::uint8_t channel = 0, wifi_interface_t ifidx = WIFI_IF_STA) {
  esp_now_peer_info_t p{};
  std::memcpy(p.peer_addr, mac.bytes.data(), 6);
  p.channel = channel;
  p.ifidx = ifidx;
  return p;
}

esp_now_peer_info_t encrypted_peer(const MacAddress& mac) {
  esp_now_peer_info_t p = peer(mac);
  std::memset(p.lmk, 'k', sizeof p.lmk);
  p.encrypt = true;
  return p;
}

class EspNowApi : public ::testing::Test {
 protected:
  void SetUp() override {
    std::lock_guard lk(g_rec.mutex);
    g_rec.sent.clear();
    g_rec.received.clear();
  }
  // Wi-Fi started in STA mode, ESP-NOW initialised, callbacks registered.
  // `max_encrypt`: the init config's espnow_max_encrypt_num.
  static void boot(emul::EmulatedChip& chip, int max_encrypt = CONFIG_ESP_WIFI_ESPNOW_MAX_ENCRYPT_NUM) {
    emul::ScopedChip use(&chip);
    wifi_init_config_t cfg = WIFI_INIT_CONFIG_DEFAULT();
    cfg.espnow_max_encrypt_num = max_encrypt;
    ASSERT_EQ(esp_wifi_init(&cfg), ESP_OK);
    ASSERT_EQ(esp_wifi_set_mode(WIFI_MODE_STA), ESP_OK);
    ASSERT_EQ(esp_wifi_start(), ESP_OK);
    ASSERT_EQ(esp_now_init(), ESP_OK);
    ASSERT_EQ(esp_now_register_send_cb(on_send), ESP_OK);
    ASSERT_EQ(esp_now_register_recv_cb(on_recv), ESP_OK);
  }
  std::unique_ptr<emul::EmulatedChip> chip(const MacAddress& mac) {
    auto c = emul::EmulatedChip::create(air, {.radio = {.mac = mac}});
    EXPECT_TRUE(c.ok());
    return std::move(c.value());
  }

  SimAir air;
  std::unique_ptr<emul::EmulatedChip> a = chip(kA);
  std::unique_ptr<emul::EmulatedChip> b = chip(kB);
};

const std::uint8_t kData[] = {'h', 'i'};

}  // namespace

// ---- initialisation

TEST_F(EspNowApi, InitBeforeWifiIsInternal) {
  emul::ScopedChip use(a.get());
  EXPECT_EQ(esp_now_init(), ESP_ERR_ESPNOW_INTERNAL);
}

TEST_F(EspNowApi, EveryCallBeforeInitIsNotInit) {
  emul::ScopedChip use(a.get());
  esp_now_peer_info_t p = peer(kB), out{};
  esp_now_peer_num_t num{};
  const std::uint8_t pmk[16] = {};
  esp_now_rate_config_t rate{WIFI_PHY_MODE_11B, WIFI_PHY_RATE_1M_L, false, false};
  EXPECT_EQ(esp_now_send(kB.bytes.data(), kData, sizeof kData), ESP_ERR_ESPNOW_NOT_INIT);
  EXPECT_EQ(esp_now_add_peer(&p), ESP_ERR_ESPNOW_NOT_INIT);
  EXPECT_EQ(esp_now_mod_peer(&p), ESP_ERR_ESPNOW_NOT_INIT);
  EXPECT_EQ(esp_now_del_peer(kB.bytes.data()), ESP_ERR_ESPNOW_NOT_INIT);
  EXPECT_EQ(esp_now_get_peer(kB.bytes.data(), &out), ESP_ERR_ESPNOW_NOT_INIT);
  EXPECT_EQ(esp_now_fetch_peer(true, &out), ESP_ERR_ESPNOW_NOT_INIT);
  EXPECT_EQ(esp_now_get_peer_num(&num), ESP_ERR_ESPNOW_NOT_INIT);
  EXPECT_EQ(esp_now_set_pmk(pmk), ESP_ERR_ESPNOW_NOT_INIT);
  EXPECT_EQ(esp_now_set_wake_window(100), ESP_ERR_ESPNOW_NOT_INIT);
  EXPECT_EQ(esp_now_set_peer_rate_config(kB.bytes.data(), &rate), ESP_ERR_ESPNOW_NOT_INIT);
  EXPECT_EQ(esp_now_register_recv_cb(on_recv), ESP_ERR_ESPNOW_NOT_INIT);
  EXPECT_EQ(esp_now_register_send_cb(on_send), ESP_ERR_ESPNOW_NOT_INIT);
  EXPECT_EQ(esp_now_unregister_recv_cb(), ESP_ERR_ESPNOW_NOT_INIT);
  EXPECT_EQ(esp_now_unregister_send_cb(), ESP_ERR_ESPNOW_NOT_INIT);
  EXPECT_FALSE(esp_now_is_peer_exist(kB.bytes.data()));
}

TEST_F(EspNowApi, DeinitRemovesEveryPeerAndInitAgainStartsEmpty) {
  boot(*a);
  emul::ScopedChip use(a.get());
  esp_now_peer_info_t p = peer(kB);
  ASSERT_EQ(esp_now_add_peer(&p), ESP_OK);
  EXPECT_EQ(esp_now_deinit(), ESP_OK);
  EXPECT_EQ(esp_now_init(), ESP_OK);
  esp_now_peer_num_t num{};
  ASSERT_EQ(esp_now_get_peer_num(&num), ESP_OK);
  EXPECT_EQ(num.total_num, 0);
}

TEST_F(EspNowApi, GetVersionReportsTheChipsProtocolAndArgForNull) {
  auto v2 = emul::EmulatedChip::create(air, {.radio = {.mac = kC}, .link = {.version = 2}});
  ASSERT_TRUE(v2.ok());
  std::uint32_t version = 0;
  {
    emul::ScopedChip use(a.get());
    EXPECT_EQ(esp_now_get_version(nullptr), ESP_ERR_ESPNOW_ARG);
    EXPECT_EQ(esp_now_get_version(&version), ESP_OK);
    EXPECT_EQ(version, 1u);
  }
  emul::ScopedChip use(v2->get());
  EXPECT_EQ(esp_now_get_version(&version), ESP_OK);
  EXPECT_EQ(version, 2u);
}

// ---- esp_now_send

TEST_F(EspNowApi, SendArgumentErrors) {
  boot(*a);
  emul::ScopedChip use(a.get());
  esp_now_peer_info_t p = peer(kB);
  ASSERT_EQ(esp_now_add_peer(&p), ESP_OK);
  const std::vector<std::uint8_t> big(ESP_NOW_MAX_DATA_LEN + 1, 'x');
  EXPECT_EQ(esp_now_send(kB.bytes.data(), kData, 0), ESP_ERR_ESPNOW_ARG);
  EXPECT_EQ(esp_now_send(kB.bytes.data(), nullptr, 2), ESP_ERR_ESPNOW_ARG);
  EXPECT_EQ(esp_now_send(kB.bytes.data(), big.data(), big.size()), ESP_ERR_ESPNOW_ARG);
  EXPECT_EQ(esp_now_send(kB.bytes.data(), big.data(), ESP_NOW_MAX_DATA_LEN), ESP_OK);
}

TEST_F(EspNowApi, SendToAnUnregisteredPeerOrAnUnaddedBroadcastIsNotFound) {
  boot(*a);
  emul::ScopedChip use(a.get());
  EXPECT_EQ(esp_now_send(kB.bytes.data(), kData, sizeof kData), ESP_ERR_ESPNOW_NOT_FOUND);
  EXPECT_EQ(esp_now_send(kBroadcast.bytes.data(), kData, sizeof kData), ESP_ERR_ESPNOW_NOT_FOUND);
  EXPECT_EQ(esp_now_send(nullptr, kData, sizeof kData), ESP_ERR_ESPNOW_NOT_FOUND);  // no peer at all
}

TEST_F(EspNowApi, SendOnAnInactiveInterfaceIsIfAndOnAnotherChannelIsChan) {
  boot(*a);
  emul::ScopedChip use(a.get());
  esp_now_peer_info_t via_ap = peer(kB, 0, WIFI_IF_AP);
  esp_now_peer_info_t on_6 = peer(kC, 6);
  ASSERT_EQ(esp_now_add_peer(&via_ap), ESP_OK);
  ASSERT_EQ(esp_now_add_peer(&on_6), ESP_OK);
  EXPECT_EQ(esp_now_send(kB.bytes.data(), kData, sizeof kData), ESP_ERR_ESPNOW_IF);
  EXPECT_EQ(esp_now_send(kC.bytes.data(), kData, sizeof kData), ESP_ERR_ESPNOW_CHAN);
  ASSERT_EQ(esp_wifi_set_channel(6, WIFI_SECOND_CHAN_NONE), ESP_OK);
  EXPECT_EQ(esp_now_send(kC.bytes.data(), kData, sizeof kData), ESP_OK);
}

TEST_F(EspNowApi, SendWhenTheRadiosQueueIsFullIsNoMem) {
  SimAir slow({.timing = true, .tx_queue_len = 1});
  auto c = emul::EmulatedChip::create(slow, {.radio = {.mac = kC}});
  ASSERT_TRUE(c.ok());
  boot(**c);
  emul::ScopedChip use(c->get());
  esp_now_peer_info_t p = peer(kBroadcast);
  ASSERT_EQ(esp_now_add_peer(&p), ESP_OK);
  const std::vector<std::uint8_t> msg(250, 'x');  // 2 ms at 1 Mbps: the queue cannot keep up
  int no_mem = 0;
  for (int i = 0; i < 20; ++i)
    no_mem += esp_now_send(kBroadcast.bytes.data(), msg.data(), msg.size()) == ESP_ERR_ESPNOW_NO_MEM;
  EXPECT_GT(no_mem, 0);
}

TEST_F(EspNowApi, SendNullGoesToEveryUnicastPeerAndSkipsBroadcastAndGroups) {
  auto c = chip(kC);
  for (auto* x : {a.get(), b.get(), c.get()}) boot(*x);
  emul::ScopedChip use(a.get());
  for (const MacAddress& m : {kB, kBroadcast, kGroup, kC}) {
    esp_now_peer_info_t p = peer(m);
    ASSERT_EQ(esp_now_add_peer(&p), ESP_OK);
  }
  ASSERT_EQ(esp_now_send(nullptr, kData, sizeof kData), ESP_OK);
  ASSERT_TRUE(test::wait_for([] { return g_rec.sent_count() == 2 && g_rec.received_count() == 2; }));
  std::lock_guard lk(g_rec.mutex);
  std::set<MacAddress> reported, receivers;
  for (const auto& s : g_rec.sent) {
    reported.insert(s.dst);
    EXPECT_EQ(s.status, ESP_NOW_SEND_SUCCESS);
  }
  for (const auto& r : g_rec.received) {
    receivers.insert(r.dst);
    EXPECT_EQ(r.src, kA);
  }
  EXPECT_EQ(reported, (std::set<MacAddress>{kB, kC}));
  EXPECT_EQ(receivers, (std::set<MacAddress>{kB, kC}));
}

TEST_F(EspNowApi, TheDataBufferMayBeReusedAsSoonAsSendReturns) {
  boot(*a);
  boot(*b);
  emul::ScopedChip use(a.get());
  esp_now_peer_info_t p = peer(kB);
  ASSERT_EQ(esp_now_add_peer(&p), ESP_OK);
  char buffer[8];
  std::strcpy(buffer, "first");
  ASSERT_EQ(esp_now_send(kB.bytes.data(), reinterpret_cast<const uint8_t*>(buffer), 5), ESP_OK);
  std::strcpy(buffer, "XXXXX");  // overwritten at once
  ASSERT_EQ(esp_now_send(kB.bytes.data(), reinterpret_cast<const uint8_t*>(buffer), 5), ESP_OK);
  ASSERT_TRUE(test::wait_for([] { return g_rec.received_count() == 2; }));
  std::lock_guard lk(g_rec.mutex);
  EXPECT_EQ(g_rec.received[0].data, "first");
  EXPECT_EQ(g_rec.received[1].data, "XXXXX");
}

TEST_F(EspNowApi, CallbacksRunOnTheReceivingChipsOwnWifiTaskWithRxCtrl) {
  boot(*a);
  boot(*b);
  emul::ScopedChip use(a.get());
  esp_now_peer_info_t p = peer(kBroadcast);
  ASSERT_EQ(esp_now_add_peer(&p), ESP_OK);
  ASSERT_EQ(esp_now_send(kBroadcast.bytes.data(), kData, sizeof kData), ESP_OK);
  ASSERT_TRUE(test::wait_for([] { return g_rec.received_count() == 1 && g_rec.sent_count() == 1; }));
  std::lock_guard lk(g_rec.mutex);
  const auto& r = g_rec.received[0];
  EXPECT_EQ(r.chip, b.get());
  EXPECT_NE(r.thread, std::this_thread::get_id());
  EXPECT_EQ(r.task, "wifi");
  EXPECT_EQ(r.dst, kBroadcast);
  EXPECT_EQ(r.rssi, air.rssi_dbm({0, 0}, {0, 0}, 20.0));
  EXPECT_EQ(g_rec.sent[0].chip, a.get());
  EXPECT_EQ(g_rec.sent[0].status, ESP_NOW_SEND_SUCCESS);  // broadcast is never a failure
}

TEST_F(EspNowApi, AUnicastNobodyAcknowledgesReportsFail) {
  boot(*a);
  emul::ScopedChip use(a.get());
  esp_now_peer_info_t p = peer(kC);  // no chip owns it
  ASSERT_EQ(esp_now_add_peer(&p), ESP_OK);
  ASSERT_EQ(esp_now_send(kC.bytes.data(), kData, sizeof kData), ESP_OK);
  ASSERT_TRUE(test::wait_for([] { return g_rec.sent_count() == 1; }));
  std::lock_guard lk(g_rec.mutex);
  EXPECT_EQ(g_rec.sent[0].status, ESP_NOW_SEND_FAIL);
}

TEST_F(EspNowApi, AfterUnregisterNoCallbackRuns) {
  boot(*a);
  boot(*b);
  {
    emul::ScopedChip use(b.get());
    ASSERT_EQ(esp_now_unregister_recv_cb(), ESP_OK);
  }
  emul::ScopedChip use(a.get());
  esp_now_peer_info_t p = peer(kB);
  ASSERT_EQ(esp_now_add_peer(&p), ESP_OK);
  ASSERT_EQ(esp_now_send(kB.bytes.data(), kData, sizeof kData), ESP_OK);
  ASSERT_TRUE(test::wait_for([] { return g_rec.sent_count() == 1; }));
  b->wait_quiet();
  EXPECT_EQ(g_rec.received_count(), 0u);
  EXPECT_EQ(b->link().stats().rx_frames, 1u);  // it did arrive
}

// ---- peers

TEST_F(EspNowApi, AddPeerErrors) {
  boot(*a);
  emul::ScopedChip use(a.get());
  esp_now_peer_info_t p = peer(kB);
  EXPECT_EQ(esp_now_add_peer(nullptr), ESP_ERR_ESPNOW_ARG);
  esp_now_peer_info_t bad_if = peer(kB, 0, WIFI_IF_NAN);
  esp_now_peer_info_t junk_if = peer(kB);
  const int junk = 77;  // what a C caller can store in the enum
  std::memcpy(&junk_if.ifidx, &junk, sizeof junk_if.ifidx);
  EXPECT_EQ(esp_now_add_peer(&junk_if), ESP_ERR_ESPNOW_ARG);
  esp_now_peer_info_t bad_channel = peer(kB, 15);
  EXPECT_EQ(esp_now_add_peer(&bad_if), ESP_ERR_ESPNOW_ARG);
  EXPECT_EQ(esp_now_add_peer(&bad_channel), ESP_ERR_ESPNOW_ARG);
  esp_now_peer_info_t encrypted_broadcast = encrypted_peer(kBroadcast);
  EXPECT_EQ(esp_now_add_peer(&encrypted_broadcast), ESP_ERR_ESPNOW_ARG);
  ASSERT_EQ(esp_now_add_peer(&p), ESP_OK);
  EXPECT_EQ(esp_now_add_peer(&p), ESP_ERR_ESPNOW_EXIST);
}

namespace {

// Adds encrypted peers 02:00:00:00:01:xx until one is refused; returns how many fit.
int add_encrypted_until_full() {
  for (std::uint8_t i = 0;; ++i) {
    esp_now_peer_info_t p = encrypted_peer(MacAddress{{0x02, 0, 0, 0, 1, i}});
    const esp_err_t err = esp_now_add_peer(&p);
    if (err != ESP_OK) {
      EXPECT_EQ(err, ESP_ERR_ESPNOW_FULL);
      return i;
    }
  }
}

}  // namespace

// The driver's limit is the init config's (CONFIG_ESP_WIFI_ESPNOW_MAX_ENCRYPT_NUM,
// 7 by default), not the header's ESP_NOW_MAX_ENCRYPT_PEER_NUM (6).
TEST_F(EspNowApi, The21stPeerAndThe8thEncryptedPeerAreFullByDefault) {
  boot(*a);
  emul::ScopedChip use(a.get());
  EXPECT_EQ(CONFIG_ESP_WIFI_ESPNOW_MAX_ENCRYPT_NUM, 7);
  ASSERT_EQ(add_encrypted_until_full(), 7);
  for (std::uint8_t i = 0; i < ESP_NOW_MAX_TOTAL_PEER_NUM - 7; ++i) {
    esp_now_peer_info_t p = peer(MacAddress{{0x02, 0, 0, 0, 2, i}});
    ASSERT_EQ(esp_now_add_peer(&p), ESP_OK);
  }
  esp_now_peer_info_t twenty_first = peer("02:00:00:00:02:99"_mac);
  EXPECT_EQ(esp_now_add_peer(&twenty_first), ESP_ERR_ESPNOW_FULL);
  esp_now_peer_num_t num{};
  ASSERT_EQ(esp_now_get_peer_num(&num), ESP_OK);
  EXPECT_EQ(num.total_num, ESP_NOW_MAX_TOTAL_PEER_NUM);
  EXPECT_EQ(num.encrypt_num, 7);
  EXPECT_EQ(esp_now_get_peer_num(nullptr), ESP_ERR_ESPNOW_ARG);
}

TEST_F(EspNowApi, TheEncryptedPeerLimitIsTheWifiInitConfigs) {
  boot(*a, 10);
  boot(*b, 0);
  {
    emul::ScopedChip use(a.get());
    EXPECT_EQ(add_encrypted_until_full(), 10);
    esp_now_peer_info_t plain = peer("02:00:00:00:02:01"_mac);
    ASSERT_EQ(esp_now_add_peer(&plain), ESP_OK);
    plain.encrypt = true;
    EXPECT_EQ(esp_now_mod_peer(&plain), ESP_ERR_ESPNOW_FULL);
  }
  emul::ScopedChip use(b.get());
  EXPECT_EQ(add_encrypted_until_full(), 0);
}

// 0..17: the hardware keys ESP-NOW shares with the soft-AP.
TEST_F(EspNowApi, AnEncryptedPeerLimitBeyondTheKeysIsInvalidArg) {
  emul::ScopedChip use(a.get());
  wifi_init_config_t cfg = WIFI_INIT_CONFIG_DEFAULT();
  cfg.espnow_max_encrypt_num = 18;
  EXPECT_EQ(esp_wifi_init(&cfg), ESP_ERR_INVALID_ARG);
  cfg.espnow_max_encrypt_num = -1;
  EXPECT_EQ(esp_wifi_init(&cfg), ESP_ERR_INVALID_ARG);
  cfg.espnow_max_encrypt_num = 17;
  EXPECT_EQ(esp_wifi_init(&cfg), ESP_OK);
}

TEST_F(EspNowApi, UnknownPeersAreNotFoundAndNullsAreArg) {
  boot(*a);
  emul::ScopedChip use(a.get());
  esp_now_peer_info_t p = peer(kB), out{};
  EXPECT_EQ(esp_now_del_peer(kB.bytes.data()), ESP_ERR_ESPNOW_NOT_FOUND);
  EXPECT_EQ(esp_now_mod_peer(&p), ESP_ERR_ESPNOW_NOT_FOUND);
  EXPECT_EQ(esp_now_get_peer(kB.bytes.data(), &out), ESP_ERR_ESPNOW_NOT_FOUND);
  EXPECT_EQ(esp_now_del_peer(nullptr), ESP_ERR_ESPNOW_ARG);
  EXPECT_EQ(esp_now_mod_peer(nullptr), ESP_ERR_ESPNOW_ARG);
  EXPECT_EQ(esp_now_get_peer(nullptr, &out), ESP_ERR_ESPNOW_ARG);
  EXPECT_EQ(esp_now_get_peer(kB.bytes.data(), nullptr), ESP_ERR_ESPNOW_ARG);
  EXPECT_EQ(esp_now_fetch_peer(true, nullptr), ESP_ERR_ESPNOW_ARG);
  EXPECT_EQ(esp_now_set_pmk(nullptr), ESP_ERR_ESPNOW_ARG);
  EXPECT_FALSE(esp_now_is_peer_exist(nullptr));
}

TEST_F(EspNowApi, ModPeerChangesAndGetPeerReadsBack) {
  boot(*a);
  emul::ScopedChip use(a.get());
  esp_now_peer_info_t p = peer(kB);
  ASSERT_EQ(esp_now_add_peer(&p), ESP_OK);
  p.channel = 3;
  p.ifidx = WIFI_IF_AP;
  ASSERT_EQ(esp_now_mod_peer(&p), ESP_OK);
  esp_now_peer_info_t out{};
  ASSERT_EQ(esp_now_get_peer(kB.bytes.data(), &out), ESP_OK);
  EXPECT_EQ(out.channel, 3);
  EXPECT_EQ(out.ifidx, WIFI_IF_AP);
  EXPECT_FALSE(out.encrypt);
  EXPECT_TRUE(esp_now_is_peer_exist(kB.bytes.data()));
  ASSERT_EQ(esp_now_del_peer(kB.bytes.data()), ESP_OK);
  EXPECT_FALSE(esp_now_is_peer_exist(kB.bytes.data()));
}

TEST_F(EspNowApi, FetchPeerWalksTheUnicastPeersAndSkipsBroadcastAndGroups) {
  boot(*a);
  emul::ScopedChip use(a.get());
  for (const MacAddress& m : {kBroadcast, kB, kGroup, kC}) {
    esp_now_peer_info_t p = peer(m);
    ASSERT_EQ(esp_now_add_peer(&p), ESP_OK);
  }
  std::vector<MacAddress> seen;
  esp_now_peer_info_t out{};
  for (bool head = true; esp_now_fetch_peer(head, &out) == ESP_OK; head = false) seen.push_back(MacAddress::read(out.peer_addr));
  EXPECT_EQ(seen, (std::vector<MacAddress>{kB, kC}));
  EXPECT_EQ(esp_now_fetch_peer(false, &out), ESP_ERR_ESPNOW_NOT_FOUND);
  EXPECT_EQ(esp_now_fetch_peer(true, &out), ESP_OK);  // from the head again
  EXPECT_EQ(MacAddress::read(out.peer_addr), kB);
}

TEST_F(EspNowApi, PeerRateConfigNeedsARegisteredPeerAndAKnownRate) {
  boot(*a);
  emul::ScopedChip use(a.get());
  esp_now_rate_config_t rate{WIFI_PHY_MODE_11G, WIFI_PHY_RATE_54M, false, false};
  EXPECT_EQ(esp_now_set_peer_rate_config(kB.bytes.data(), &rate), ESP_ERR_ESPNOW_ARG);
  esp_now_peer_info_t p = peer(kB);
  ASSERT_EQ(esp_now_add_peer(&p), ESP_OK);
  EXPECT_EQ(esp_now_set_peer_rate_config(kB.bytes.data(), nullptr), ESP_ERR_ESPNOW_ARG);
  esp_now_rate_config_t bogus{WIFI_PHY_MODE_11G, static_cast<wifi_phy_rate_t>(0x04), false, false};
  EXPECT_EQ(esp_now_set_peer_rate_config(kB.bytes.data(), &bogus), ESP_ERR_ESPNOW_ARG);
  EXPECT_EQ(esp_now_set_peer_rate_config(kB.bytes.data(), &rate), ESP_OK);
  EXPECT_EQ(a->link().rate(), PhyRate::r54m);
}

TEST_F(EspNowApi, SetPmkAndWakeWindowOnceInitialised) {
  boot(*a);
  emul::ScopedChip use(a.get());
  const std::uint8_t pmk[16] = {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
  EXPECT_EQ(esp_now_set_pmk(pmk), ESP_OK);
  EXPECT_EQ(a->link().pmk()[15], 'f');
  EXPECT_EQ(esp_now_set_wake_window(50), ESP_OK);
}

// ---- Wi-Fi and the rest of the emulated platform

TEST_F(EspNowApi, WifiCallsBeforeInitAreNotInitAndBadArgumentsAreRefused) {
  emul::ScopedChip use(a.get());
  std::uint8_t mac[6];
  std::uint8_t primary = 0;
  wifi_second_chan_t second{};
  wifi_mode_t mode{};
  EXPECT_EQ(esp_wifi_start(), ESP_ERR_WIFI_NOT_INIT);
  EXPECT_EQ(esp_wifi_set_mode(WIFI_MODE_STA), ESP_ERR_WIFI_NOT_INIT);
  EXPECT_EQ(esp_wifi_get_mac(WIFI_IF_STA, mac), ESP_ERR_WIFI_NOT_INIT);
  EXPECT_EQ(esp_wifi_set_channel(1, WIFI_SECOND_CHAN_NONE), ESP_ERR_WIFI_NOT_INIT);
  wifi_init_config_t bad = WIFI_INIT_CONFIG_DEFAULT();
  bad.magic = 0;
  EXPECT_EQ(esp_wifi_init(&bad), ESP_ERR_INVALID_ARG);
  const wifi_init_config_t cfg = WIFI_INIT_CONFIG_DEFAULT();
  ASSERT_EQ(esp_wifi_init(&cfg), ESP_OK);
  EXPECT_EQ(esp_wifi_set_mode(WIFI_MODE_MAX), ESP_ERR_INVALID_ARG);
  EXPECT_EQ(esp_wifi_get_mac(WIFI_IF_NAN, mac), ESP_ERR_WIFI_IF);
  EXPECT_EQ(esp_wifi_set_channel(6, WIFI_SECOND_CHAN_NONE), ESP_ERR_WIFI_NOT_STARTED);
  EXPECT_EQ(esp_wifi_get_channel(nullptr, &second), ESP_ERR_INVALID_ARG);
  EXPECT_EQ(esp_wifi_set_mac(WIFI_IF_STA, kGroup.bytes.data()), ESP_ERR_WIFI_MAC);
  ASSERT_EQ(esp_wifi_set_mode(WIFI_MODE_APSTA), ESP_OK);
  ASSERT_EQ(esp_wifi_start(), ESP_OK);
  EXPECT_EQ(esp_wifi_set_channel(15, WIFI_SECOND_CHAN_NONE), ESP_ERR_INVALID_ARG);
  EXPECT_EQ(esp_wifi_deinit(), ESP_ERR_WIFI_NOT_STOPPED);
  ASSERT_EQ(esp_wifi_get_mode(&mode), ESP_OK);
  EXPECT_EQ(mode, WIFI_MODE_APSTA);
  EXPECT_TRUE(a->radio().interface_active(Interface::ap));
  ASSERT_EQ(esp_wifi_get_channel(&primary, &second), ESP_OK);
  EXPECT_EQ(primary, 1);
  ASSERT_EQ(esp_wifi_stop(), ESP_OK);
  EXPECT_FALSE(a->radio().interface_active(Interface::sta));
  EXPECT_EQ(esp_wifi_set_channel(6, WIFI_SECOND_CHAN_NONE), ESP_ERR_WIFI_NOT_STARTED);
  EXPECT_EQ(a->radio().channel(), 1);
  EXPECT_EQ(esp_wifi_deinit(), ESP_OK);
}

// ESP-IDF's default country is world safe mode, "01": channels 1 to 11.
// Firmware that uses 12 to 14 sets its country first, as on a chip.
TEST_F(EspNowApi, ChannelsBeyondElevenNeedACountryThatHasThem) {
  emul::ScopedChip use(a.get());
  wifi_country_t country{};
  char code[3] = "??";
  EXPECT_EQ(esp_wifi_get_country(&country), ESP_ERR_WIFI_NOT_INIT);
  EXPECT_EQ(esp_wifi_set_country_code("JP", true), ESP_ERR_WIFI_NOT_INIT);
  const wifi_init_config_t cfg = WIFI_INIT_CONFIG_DEFAULT();
  ASSERT_EQ(esp_wifi_init(&cfg), ESP_OK);
  ASSERT_EQ(esp_wifi_set_mode(WIFI_MODE_STA), ESP_OK);
  ASSERT_EQ(esp_wifi_start(), ESP_OK);
  ASSERT_EQ(esp_wifi_get_country(&country), ESP_OK);
  EXPECT_STREQ(country.cc, "01");
  EXPECT_EQ(country.schan, 1);
  EXPECT_EQ(country.nchan, 11);
  EXPECT_EQ(country.policy, WIFI_COUNTRY_POLICY_AUTO);
  EXPECT_EQ(country.max_tx_power, 20);
  EXPECT_EQ(esp_wifi_set_channel(11, WIFI_SECOND_CHAN_NONE), ESP_OK);
  EXPECT_EQ(esp_wifi_set_channel(12, WIFI_SECOND_CHAN_NONE), ESP_ERR_INVALID_ARG);
  EXPECT_EQ(a->radio().channel(), 11);
  ASSERT_EQ(esp_wifi_set_country_code("DE", false), ESP_OK);  // Europe: 1 to 13
  EXPECT_EQ(esp_wifi_set_channel(13, WIFI_SECOND_CHAN_NONE), ESP_OK);
  EXPECT_EQ(esp_wifi_set_channel(14, WIFI_SECOND_CHAN_NONE), ESP_ERR_INVALID_ARG);
  ASSERT_EQ(esp_wifi_get_country_code(code), ESP_OK);
  EXPECT_STREQ(code, "DE");
  ASSERT_EQ(esp_wifi_get_country(&country), ESP_OK);
  EXPECT_EQ(country.policy, WIFI_COUNTRY_POLICY_MANUAL);
  ASSERT_EQ(esp_wifi_set_country_code("JP", true), ESP_OK);
  EXPECT_EQ(esp_wifi_set_channel(14, WIFI_SECOND_CHAN_NONE), ESP_OK);
  EXPECT_EQ(a->radio().channel(), 14);
  // A country without the chip's channel moves it to its first one.
  ASSERT_EQ(esp_wifi_set_country_code("US", true), ESP_OK);
  EXPECT_EQ(a->radio().channel(), 1);
  const wifi_country_t six_to_nine{{'X', 'X', 0}, 6, 4, 0, WIFI_COUNTRY_POLICY_MANUAL};
  ASSERT_EQ(esp_wifi_set_country(&six_to_nine), ESP_OK);
  EXPECT_EQ(a->radio().channel(), 6);
  EXPECT_EQ(esp_wifi_set_channel(5, WIFI_SECOND_CHAN_NONE), ESP_ERR_INVALID_ARG);
  EXPECT_EQ(esp_wifi_set_channel(9, WIFI_SECOND_CHAN_NONE), ESP_OK);
  // What ESP-IDF refuses.
  EXPECT_EQ(esp_wifi_set_country_code("ZZ", true), ESP_ERR_INVALID_ARG);
  EXPECT_EQ(esp_wifi_set_country_code("USA", true), ESP_ERR_INVALID_ARG);
  EXPECT_EQ(esp_wifi_set_country_code(nullptr, true), ESP_ERR_INVALID_ARG);
  const wifi_country_t past_14{{'J', 'P', 0}, 2, 14, 0, WIFI_COUNTRY_POLICY_AUTO};
  const wifi_country_t none{{'J', 'P', 0}, 1, 0, 0, WIFI_COUNTRY_POLICY_AUTO};
  EXPECT_EQ(esp_wifi_set_country(&past_14), ESP_ERR_INVALID_ARG);
  EXPECT_EQ(esp_wifi_set_country(&none), ESP_ERR_INVALID_ARG);
  EXPECT_EQ(esp_wifi_set_country(nullptr), ESP_ERR_INVALID_ARG);
  EXPECT_EQ(esp_wifi_get_country(nullptr), ESP_ERR_INVALID_ARG);
  EXPECT_EQ(esp_wifi_get_country_code(nullptr), ESP_ERR_INVALID_ARG);
  ASSERT_EQ(esp_wifi_get_country(&country), ESP_OK);
  EXPECT_EQ(country.schan, 6);  // the refusals changed nothing
  ASSERT_EQ(esp_wifi_stop(), ESP_OK);
  ASSERT_EQ(esp_wifi_deinit(), ESP_OK);
}

TEST_F(EspNowApi, MacsComeFromTheChipsRadio) {
  emul::ScopedChip use(a.get());
  const wifi_init_config_t cfg = WIFI_INIT_CONFIG_DEFAULT();
  ASSERT_EQ(esp_wifi_init(&cfg), ESP_OK);
  std::uint8_t mac[6];
  ASSERT_EQ(esp_wifi_get_mac(WIFI_IF_STA, mac), ESP_OK);
  EXPECT_EQ(MacAddress::read(mac), kA);
  ASSERT_EQ(esp_read_mac(mac, ESP_MAC_WIFI_SOFTAP), ESP_OK);
  EXPECT_EQ(MacAddress::read(mac), "02:00:00:00:0a:01"_mac);  // STA + 1
  ASSERT_EQ(esp_wifi_set_mac(WIFI_IF_STA, kC.bytes.data()), ESP_OK);
  EXPECT_EQ(a->radio().mac(Interface::sta), kC);
  EXPECT_EQ(esp_read_mac(nullptr, ESP_MAC_WIFI_STA), ESP_ERR_INVALID_ARG);
}

TEST_F(EspNowApi, ABaseMacSetBeforeWifiInitGivesEveryInterfaceItsMac) {
  // A node given a fixed MAC, as firmware does with esp_base_mac_addr_set.
  emul::ScopedChip use(a.get());
  const MacAddress base = "02:aa:00:00:00:10"_mac;
  std::uint8_t mac[6];
  ASSERT_EQ(esp_base_mac_addr_get(mac), ESP_OK);
  EXPECT_EQ(MacAddress::read(mac), kA);  // none set: the factory MAC
  ASSERT_EQ(esp_base_mac_addr_set(base.bytes.data()), ESP_OK);
  const wifi_init_config_t cfg = WIFI_INIT_CONFIG_DEFAULT();
  ASSERT_EQ(esp_wifi_init(&cfg), ESP_OK);
  ASSERT_EQ(esp_wifi_get_mac(WIFI_IF_STA, mac), ESP_OK);
  EXPECT_EQ(MacAddress::read(mac), base);
  EXPECT_EQ(a->radio().mac(Interface::sta), base);
  EXPECT_EQ(a->radio().mac(Interface::ap), "02:aa:00:00:00:11"_mac);  // + 1
  const std::pair<esp_mac_type_t, MacAddress> reads[] = {
      {ESP_MAC_WIFI_STA, base}, {ESP_MAC_WIFI_SOFTAP, "02:aa:00:00:00:11"_mac}, {ESP_MAC_BT, "02:aa:00:00:00:12"_mac},
      {ESP_MAC_ETH, "02:aa:00:00:00:13"_mac}, {ESP_MAC_BASE, base}, {ESP_MAC_EFUSE_FACTORY, kA}};
  for (const auto& [type, want] : reads) {
    ASSERT_EQ(esp_read_mac(mac, type), ESP_OK) << type;
    EXPECT_EQ(MacAddress::read(mac), want) << type;
  }
  EXPECT_EQ(esp_read_mac(mac, ESP_MAC_EFUSE_CUSTOM), ESP_ERR_INVALID_MAC);
  EXPECT_EQ(esp_read_mac(mac, ESP_MAC_IEEE802154), ESP_ERR_NOT_SUPPORTED);
  EXPECT_EQ(esp_read_mac(mac, static_cast<esp_mac_type_t>(42)), ESP_ERR_INVALID_ARG);
  // After esp_wifi_init the driver keeps the MACs it took, until the next init.
  const MacAddress other = "02:bb:00:00:00:20"_mac;
  ASSERT_EQ(esp_iface_mac_addr_set(other.bytes.data(), ESP_MAC_WIFI_STA), ESP_OK);
  EXPECT_EQ(a->radio().mac(Interface::sta), base);
  ASSERT_EQ(esp_read_mac(mac, ESP_MAC_WIFI_STA), ESP_OK);
  EXPECT_EQ(MacAddress::read(mac), other);
  ASSERT_EQ(esp_wifi_deinit(), ESP_OK);
  ASSERT_EQ(esp_wifi_init(&cfg), ESP_OK);
  EXPECT_EQ(a->radio().mac(Interface::sta), other);
  EXPECT_EQ(a->radio().mac(Interface::ap), "02:aa:00:00:00:11"_mac);  // still derived from the base
  // What ESP-IDF refuses.
  const std::uint8_t group[6] = {0x01, 0, 0, 0, 0, 1};
  EXPECT_EQ(esp_base_mac_addr_set(group), ESP_ERR_INVALID_ARG);
  EXPECT_EQ(esp_base_mac_addr_set(nullptr), ESP_ERR_INVALID_ARG);
  EXPECT_EQ(esp_base_mac_addr_get(nullptr), ESP_ERR_INVALID_ARG);
  EXPECT_EQ(esp_iface_mac_addr_set(other.bytes.data(), ESP_MAC_EFUSE_FACTORY), ESP_ERR_INVALID_ARG);
  EXPECT_EQ(esp_iface_mac_addr_set(group, ESP_MAC_WIFI_STA), ESP_ERR_INVALID_ARG);
  EXPECT_EQ(esp_efuse_mac_get_custom(mac), ESP_ERR_INVALID_MAC);
  EXPECT_EQ(esp_efuse_mac_get_custom(nullptr), ESP_ERR_INVALID_ARG);
  ASSERT_EQ(esp_wifi_deinit(), ESP_OK);
}

TEST(EspMac, ALocalMacIsDerivedFromAUniversalOne) {
  const std::uint8_t universal[6] = {0x24, 0x0a, 0xc4, 0x01, 0x02, 0x03};
  std::uint8_t local[6];
  ASSERT_EQ(esp_derive_local_mac(local, universal), ESP_OK);
  EXPECT_EQ(MacAddress::read(local), "26:0a:c4:01:02:03"_mac);
  std::uint8_t again[6];
  ASSERT_EQ(esp_derive_local_mac(again, local), ESP_OK);  // already local: another one
  EXPECT_EQ(MacAddress::read(again), "22:0a:c4:01:02:03"_mac);
  EXPECT_EQ(esp_derive_local_mac(nullptr, universal), ESP_ERR_INVALID_ARG);
  EXPECT_EQ(esp_derive_local_mac(local, nullptr), ESP_ERR_INVALID_ARG);
}

TEST_F(EspNowApi, BandwidthIsRecordedPerInterfaceWithinWhatAnEsp32Has) {
  emul::ScopedChip use(a.get());
  wifi_bandwidth_t bw{};
  EXPECT_EQ(esp_wifi_set_bandwidth(WIFI_IF_STA, WIFI_BW_HT20), ESP_ERR_WIFI_NOT_INIT);
  const wifi_init_config_t cfg = WIFI_INIT_CONFIG_DEFAULT();
  ASSERT_EQ(esp_wifi_init(&cfg), ESP_OK);
  ASSERT_EQ(esp_wifi_get_bandwidth(WIFI_IF_STA, &bw), ESP_OK);
  EXPECT_EQ(bw, WIFI_BW_HT40);
  ASSERT_EQ(esp_wifi_set_bandwidth(WIFI_IF_STA, WIFI_BW_HT20), ESP_OK);
  ASSERT_EQ(esp_wifi_get_bandwidth(WIFI_IF_STA, &bw), ESP_OK);
  EXPECT_EQ(bw, WIFI_BW20);
  ASSERT_EQ(esp_wifi_get_bandwidth(WIFI_IF_AP, &bw), ESP_OK);
  EXPECT_EQ(bw, WIFI_BW_HT40);  // the other interface's own
  EXPECT_EQ(esp_wifi_set_bandwidth(WIFI_IF_STA, WIFI_BW80), ESP_ERR_INVALID_ARG);
  ASSERT_EQ(esp_wifi_set_protocol(WIFI_IF_STA, WIFI_PROTOCOL_11B | WIFI_PROTOCOL_11G), ESP_OK);
  EXPECT_EQ(esp_wifi_set_bandwidth(WIFI_IF_STA, WIFI_BW_HT40), ESP_ERR_INVALID_ARG);  // no 802.11n
  EXPECT_EQ(esp_wifi_set_bandwidth(static_cast<wifi_interface_t>(7), WIFI_BW_HT20), ESP_ERR_WIFI_IF);
  EXPECT_EQ(esp_wifi_get_bandwidth(WIFI_IF_STA, nullptr), ESP_ERR_INVALID_ARG);
  ASSERT_EQ(esp_wifi_deinit(), ESP_OK);
}

TEST_F(EspNowApi, ConfigEspnowRateNeedsTheInterfaceUp) {
  boot(*a);
  emul::ScopedChip use(a.get());
  EXPECT_EQ(esp_wifi_config_espnow_rate(WIFI_IF_AP, WIFI_PHY_RATE_54M), ESP_FAIL);
  EXPECT_EQ(esp_wifi_config_espnow_rate(WIFI_IF_STA, static_cast<wifi_phy_rate_t>(0x04)), ESP_ERR_INVALID_ARG);
  EXPECT_EQ(esp_wifi_config_espnow_rate(WIFI_IF_STA, WIFI_PHY_RATE_11M_L), ESP_OK);
  EXPECT_EQ(a->link().rate(), PhyRate::r11m);
}

TEST(EspErr, NamesAreEspIdfs) {
  EXPECT_STREQ(esp_err_to_name(ESP_OK), "ESP_OK");
  EXPECT_STREQ(esp_err_to_name(ESP_ERR_ESPNOW_NOT_FOUND), "ESP_ERR_ESPNOW_NOT_FOUND");
  EXPECT_STREQ(esp_err_to_name(ESP_ERR_ESPNOW_CHAN), "ESP_ERR_ESPNOW_CHAN");
  EXPECT_STREQ(esp_err_to_name(0x7777), "UNKNOWN ERROR");
  EXPECT_EQ(ESP_ERR_ESPNOW_BASE, 0x3064);
  EXPECT_EQ(ESP_ERR_ESPNOW_NOT_INIT, 0x3065);
  EXPECT_EQ(ESP_ERR_ESPNOW_CHAN, 0x306D);
  EXPECT_EQ(ESP_ERR_WIFI_NOT_INIT, 0x3001);
  EXPECT_EQ(ESP_IDF_VERSION, ESP_IDF_VERSION_VAL(5, 5, 0));
  EXPECT_STREQ(esp_get_idf_version(), "v5.5.0");
}
