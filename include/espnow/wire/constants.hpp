// The espnow module's constants (the seeds) and ESP-IDF's esp_now.h limits.
#pragma once

#include <cstddef>
#include <cstdint>

#include "espnow/wire/phy.hpp"

namespace espnow {

inline constexpr std::size_t ADDR_LEN = 6;
inline constexpr std::size_t KEY_LEN = 16;
inline constexpr std::size_t MAX_DATA_LEN = 250;
inline constexpr std::size_t MAX_DATA_LEN_V2 = 1470;
inline constexpr int MAX_TOTAL_PEER_NUM = 20;

// MicroPython's default rxbuf: two maximum-size messages, each with a 13-byte
// record header (7 + the sender's MAC), one byte more in v2 where the message
// length takes two bytes: 526 before ESP-IDF 5.4 (the seeds), 2968 after.
inline constexpr std::int64_t default_rxbuf(int version) {
  return version >= 2 ? 2 * (14 + static_cast<std::int64_t>(MAX_DATA_LEN_V2))
                      : 2 * (13 + static_cast<std::int64_t>(MAX_DATA_LEN));
}
inline constexpr int MAX_ENCRYPT_PEER_NUM = 6;

// MicroPython's RATE_* constants: ESP-IDF wifi_phy_rate_t values.
inline constexpr int RATE_1M = static_cast<int>(PhyRate::r1m);
inline constexpr int RATE_2M = static_cast<int>(PhyRate::r2m);
inline constexpr int RATE_5M = static_cast<int>(PhyRate::r5m);
inline constexpr int RATE_11M = static_cast<int>(PhyRate::r11m);
inline constexpr int RATE_6M = static_cast<int>(PhyRate::r6m);
inline constexpr int RATE_12M = static_cast<int>(PhyRate::r12m);
inline constexpr int RATE_24M = static_cast<int>(PhyRate::r24m);
inline constexpr int RATE_54M = static_cast<int>(PhyRate::r54m);
inline constexpr int RATE_LORA_250K = static_cast<int>(PhyRate::lora_250k);
inline constexpr int RATE_LORA_500K = static_cast<int>(PhyRate::lora_500k);

// The PMK used until set_pmk() is called: ESP-IDF's documented default.
inline constexpr char kDefaultPmk[] = "pmk1234567890123";

}  // namespace espnow
