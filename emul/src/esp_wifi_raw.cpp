// esp_wifi_80211_tx: a raw 802.11 frame of the firmware's own on the
// selected chip's radio (the sniffers' companion: promiscuous mode hears
// them). The frame goes out at 1 Mbps with its FCS appended, through the
// chip's ChipRadio, which keeps its transmit report from the ESP-NOW link.
#include <cstring>
#include <type_traits>
#include <vector>

#include "chip_state.hpp"
#include "espnow/wire/fcs.hpp"
#include "esp_wifi.h"

using espnow::emul::detail::ChipState;
using espnow::emul::detail::interface_number;
using espnow::emul::detail::with_wifi;

namespace {

constexpr int kMinLen = 24;    // an 802.11 MAC header
constexpr int kMaxLen = 1500;  // ESP-IDF's limit

}  // namespace

extern "C" esp_err_t esp_wifi_80211_tx(wifi_interface_t ifx, const void* buffer, int len, bool en_sys_seq) {
  const int interface = interface_number(ifx);
  return with_wifi([&](ChipState& s) {
    if (interface != WIFI_IF_STA && interface != WIFI_IF_AP) return ESP_ERR_WIFI_IF;
    const espnow::Interface i = interface == WIFI_IF_AP ? espnow::Interface::ap : espnow::Interface::sta;
    if (!s.radio.interface_active(i)) return ESP_ERR_WIFI_IF;  // not in the mode, or Wi-Fi not started
    if (!buffer || len < kMinLen || len > kMaxLen) return ESP_ERR_INVALID_ARG;
    std::vector<std::uint8_t> frame(static_cast<std::size_t>(len) + espnow::wire::kFcsLen);
    std::memcpy(frame.data(), buffer, static_cast<std::size_t>(len));
    if (en_sys_seq) {  // the driver's sequence number (bits 4..15 of bytes 22-23), the fragment kept
      const unsigned control = (static_cast<unsigned>(s.raw_sequence++ & 0x0FFF) << 4) | (frame[22] & 0x0Fu);
      frame[22] = static_cast<std::uint8_t>(control & 0xFF);
      frame[23] = static_cast<std::uint8_t>(control >> 8);
    }
    espnow::wire::write_fcs(frame);
    const std::error_code ec = s.link_radio.transmit_raw(frame, espnow::PhyRate::r1m);
    if (ec == espnow::errc::no_mem) return ESP_ERR_NO_MEM;
    return ec ? ESP_ERR_INVALID_ARG : ESP_OK;
  });
}
