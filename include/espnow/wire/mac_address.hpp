// MacAddress: a 6-byte IEEE 802 address, usable in constexpr code.
//
// Parsing never throws: it returns the address and a reason, so firmware
// built with -fno-exceptions can use it as it is.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

namespace espnow {

enum class MacParseError : std::uint8_t {
  ok,
  wrong_length,     // neither 17 characters ("aa:bb:cc:dd:ee:ff") nor 12 ("aabbccddeeff")
  bad_hex_digit,    // a character that is not 0-9, a-f, A-F
  bad_separator,    // not ':' (or '-') between the bytes, or mixed
};

constexpr std::string_view to_string(MacParseError e) noexcept {
  switch (e) {
    case MacParseError::ok: return "ok";
    case MacParseError::wrong_length: return "wrong length (expected aa:bb:cc:dd:ee:ff, aa-bb-cc-dd-ee-ff or aabbccddeeff)";
    case MacParseError::bad_hex_digit: return "bad hex digit";
    case MacParseError::bad_separator: return "bad separator (expected ':' between bytes)";
  }
  return "unknown";
}

struct MacParseResult;

struct MacAddress {
  static constexpr std::size_t size = 6;
  std::array<std::uint8_t, size> bytes{};

  static constexpr MacAddress broadcast() noexcept {
    return MacAddress{{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};
  }
  static constexpr MacAddress from(std::span<const std::uint8_t, size> b) noexcept {
    MacAddress m;
    for (std::size_t i = 0; i < size; ++i) m.bytes[i] = b[i];
    return m;
  }
  // Reads 6 bytes at p; the caller guarantees they exist.
  static constexpr MacAddress read(const std::uint8_t* p) noexcept {
    return from(std::span<const std::uint8_t, size>(p, size));
  }
  static constexpr MacParseResult parse(std::string_view text) noexcept;

  constexpr bool is_broadcast() const noexcept { return *this == broadcast(); }
  // Group address: bit 0 of the first byte (the I/G bit). Broadcast is one too.
  constexpr bool is_multicast() const noexcept { return (bytes[0] & 0x01) != 0; }
  constexpr bool is_unicast() const noexcept { return !is_multicast(); }
  constexpr bool is_zero() const noexcept { return *this == MacAddress{}; }

  // "aa:bb:cc:dd:ee:ff", lower case, in a fixed buffer (no allocation).
  struct Text {
    std::array<char, 18> chars{};
    constexpr std::string_view view() const noexcept { return {chars.data(), 17}; }
    constexpr const char* c_str() const noexcept { return chars.data(); }
  };
  constexpr Text to_text() const noexcept {
    constexpr char hex[] = "0123456789abcdef";
    Text t;
    for (std::size_t i = 0; i < size; ++i) {
      t.chars[i * 3] = hex[bytes[i] >> 4];
      t.chars[i * 3 + 1] = hex[bytes[i] & 0x0f];
      t.chars[i * 3 + 2] = i + 1 < size ? ':' : '\0';
    }
    return t;
  }

  constexpr const std::uint8_t* data() const noexcept { return bytes.data(); }
  // Six bytes as two loads each (the defaulted comparison calls memcmp,
  // and a simulation compares addresses at every reception).
  friend constexpr bool operator==(const MacAddress& a, const MacAddress& b) noexcept {
    if (std::is_constant_evaluated()) return a.bytes == b.bytes;
    std::uint32_t a4, b4;
    std::uint16_t a2, b2;
    std::memcpy(&a4, a.bytes.data(), 4);
    std::memcpy(&b4, b.bytes.data(), 4);
    std::memcpy(&a2, a.bytes.data() + 4, 2);
    std::memcpy(&b2, b.bytes.data() + 4, 2);
    return ((a4 ^ b4) | std::uint32_t(a2 ^ b2)) == 0;
  }
  friend constexpr auto operator<=>(const MacAddress&, const MacAddress&) = default;
};

struct MacParseResult {
  MacAddress mac;
  MacParseError error = MacParseError::ok;
  constexpr bool ok() const noexcept { return error == MacParseError::ok; }
  constexpr explicit operator bool() const noexcept { return ok(); }
  // As Result<T>: the address, once ok() says there is one.
  constexpr const MacAddress& value() const noexcept { return mac; }
  constexpr const MacAddress& operator*() const noexcept { return mac; }
  constexpr const MacAddress* operator->() const noexcept { return &mac; }
};

// "aa:bb:cc:dd:ee:ff", as a std::string (to_text() gives it without allocating).
inline std::string to_string(const MacAddress& mac) { return std::string(mac.to_text().view()); }

namespace detail {
constexpr int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace detail

// Three spellings: "aa:bb:cc:dd:ee:ff", "aa-bb-cc-dd-ee-ff" (Windows) and
// "aabbccddeeff" (the gateway's topics, ESP-IDF's MACSTR without colons).
constexpr MacParseResult MacAddress::parse(std::string_view text) noexcept {
  MacParseResult r;
  if (text.size() != 17 && text.size() != 12) {
    r.error = MacParseError::wrong_length;
    return r;
  }
  const std::size_t stride = text.size() == 17 ? 3 : 2;
  const char sep = text.size() == 17 ? text[2] : '\0';
  for (std::size_t i = 0; i < size; ++i) {
    const int hi = detail::hex_value(text[i * stride]);
    const int lo = detail::hex_value(text[i * stride + 1]);
    if (hi < 0 || lo < 0) {
      r.error = MacParseError::bad_hex_digit;
      return r;
    }
    if (stride == 3 && i + 1 < size && (text[i * 3 + 2] != sep || (sep != ':' && sep != '-'))) {
      r.error = MacParseError::bad_separator;
      return r;
    }
    r.mac.bytes[i] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
  return r;
}

namespace literals {
// Deliberately not constexpr: reaching it in a consteval call is a compile
// error, which is how a malformed literal is reported (no throw, so this also
// works with -fno-exceptions).
void malformed_mac_address_literal();

// "aa:bb:cc:dd:ee:ff"_mac
consteval MacAddress operator""_mac(const char* s, std::size_t n) {
  const MacParseResult r = MacAddress::parse(std::string_view(s, n));
  if (!r.ok()) malformed_mac_address_literal();
  return r.mac;
}
}  // namespace literals

}  // namespace espnow

template <>
struct std::hash<espnow::MacAddress> {
  std::size_t operator()(const espnow::MacAddress& m) const noexcept {
    std::uint64_t v = 0;
    for (auto b : m.bytes) v = (v << 8) | b;
    return std::hash<std::uint64_t>{}(v);
  }
};
