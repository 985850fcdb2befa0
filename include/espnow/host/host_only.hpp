// Included by every header of the host layer: they need Linux (sockets,
// libpcap, nl80211), so a device build that reaches one stops here with a
// message instead of deep inside a system header.
#pragma once

#ifdef ESP_PLATFORM
#error "espnow/host/ headers are for Linux hosts, not ESP-IDF device builds (DESIGN.md, Layers)"
#endif
