// The "host" error category: what a Linux host's radio can fail at beyond
// errno (which stays std::system_category()): libpcap and nl80211 refusals,
// an interface in the wrong state, a radio spec that does not parse. Each
// comes with a detail string (Error) saying what to run to fix it.
#pragma once

#include <system_error>

namespace espnow::host {

enum class host_errc : int {
  bad_spec = 1,    // a radio spec or air URL that does not parse (a usage error)
  no_interface,    // no network interface by that name
  not_wireless,    // nl80211 does not know the interface
  not_monitor,     // the interface is not in monitor mode
  bad_link_type,   // the interface or capture is not radiotap / 802.11
  pcap,            // libpcap refused (open, filter, inject, read, write)
  nl80211,         // nl80211 refused (no driver, no socket, channel refused)
};

const std::error_category& host_category() noexcept;
inline std::error_code make_error_code(host_errc e) noexcept { return {static_cast<int>(e), host_category()}; }

}  // namespace espnow::host

template <>
struct std::is_error_code_enum<espnow::host::host_errc> : std::true_type {};
