// The devices a test source runs on: the in-process air's SimDevices, or,
// compiled with ESPNOW_TEST_OVER_IDF, emulated chips with ESPNow on IdfLink
// (idf_devices.hpp). Both offer add_device(), air(), espnow(), link(),
// radio() and mac(), so one source builds into both test executables.
#pragma once

#ifdef ESPNOW_TEST_OVER_IDF
#include "support/idf_devices.hpp"
using TestAir = espnow::test::IdfAir;
using TestDevice = espnow::test::IdfDevice;
#else
#include "espnow/devices/sim_devices.hpp"
using TestAir = espnow::SimDevices;
using TestDevice = espnow::SimDevice;
#endif
