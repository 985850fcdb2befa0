// MacAddress with {fmt} (Debian's libfmt-dev): fmt::format("{}", mac) gives
// "aa:bb:cc:dd:ee:ff", and every string format spec applies ("{:>20}").
// Opt-in, so the core needs no formatting library: include this header where
// you format. (g++ 12, this project's compiler, has no <format>, so there is
// no std::formatter yet: to_string(mac) and mac.to_text() serve std code.)
#pragma once

#include <string_view>

#include <fmt/format.h>

#include "espnow/wire/mac_address.hpp"

template <>
struct fmt::formatter<espnow::MacAddress> : fmt::formatter<std::string_view> {
  template <class FormatContext>
  auto format(const espnow::MacAddress& mac, FormatContext& ctx) const {
    const auto text = mac.to_text();
    return fmt::formatter<std::string_view>::format(text.view(), ctx);
  }
};
