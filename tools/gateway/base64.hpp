// Base64 (RFC 4648, standard alphabet, padded) for the payloads carried in
// the gateway's JSON: data_b64 out, and data_b64 in tx commands.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace espnow::gateway {

std::string base64_encode(std::span<const std::uint8_t> bytes);
// Strict: the standard alphabet, padding to a multiple of 4, no whitespace.
// Nothing when `text` is not that (a command's error then names it).
std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text);

// Hex digits, either case, an even number of them; nothing otherwise.
std::optional<std::vector<std::uint8_t>> hex_decode(std::string_view text);

}  // namespace espnow::gateway
