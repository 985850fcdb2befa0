#include "topics.hpp"

namespace espnow::gateway {

std::string mac_hex(const MacAddress& mac) {
  static const char digits[] = "0123456789abcdef";
  std::string s;
  for (auto b : mac.bytes) s += digits[b >> 4], s += digits[b & 15];
  return s;
}

std::optional<Topics::Command> Topics::parse_command(std::string_view topic) const {
  const std::string head = base() + "tx/";
  if (!topic.starts_with(head)) return std::nullopt;
  std::string_view rest = topic.substr(head.size());
  Command c;
  if (rest.ends_with("/json")) rest.remove_suffix(5), c.json = true;
  if (rest.empty() || rest.find('/') != std::string_view::npos) return std::nullopt;
  c.dst = std::string(rest);
  return c;
}

}  // namespace espnow::gateway
