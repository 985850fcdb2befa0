// The devices a test source runs on: the in-process air's SimDevices, or,
// compiled with ESPNOW_TEST_OVER_IDF, emulated chips with ESPNow on IdfLink
// (idf_devices.hpp). Both offer add_device(), air(), espnow(), link(),
// radio() and mac(), so one source builds into both test executables.
#pragma once

#ifdef ESPNOW_TEST_OVER_IDF
#include "support/idf_devices.hpp"
using TestAir = espnow::test::IdfAir;
using TestDevice = espnow::test::IdfDevice;
// The chip's driver limit: WIFI_INIT_CONFIG_DEFAULT's espnow_max_encrypt_num.
inline constexpr int kTestEncryptedPeerLimit = CONFIG_ESP_WIFI_ESPNOW_MAX_ENCRYPT_NUM;
#else
#include "espnow/devices/sim_devices.hpp"
using TestAir = espnow::SimDevices;
using TestDevice = espnow::SimDevice;
// SoftLink's, as the seeds give MicroPython: MAX_ENCRYPT_PEER_NUM.
inline constexpr int kTestEncryptedPeerLimit = espnow::MAX_ENCRYPT_PEER_NUM;
#endif
