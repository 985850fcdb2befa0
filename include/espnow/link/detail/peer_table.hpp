// The fixed peer table of an ESP-NOW link, with ESP-IDF's limits and errors:
// 20 peers, of which at most `max_encrypted` encrypted (the seeds' 6, or a
// chip's espnow_max_encrypt_num). No allocation.
#pragma once

#include <array>
#include <optional>
#include <system_error>

#include "espnow/link/link.hpp"

namespace espnow::detail {

class PeerTable {
 public:
  static constexpr int kMaxPeers = 20;
  explicit PeerTable(int max_encrypted) : max_encrypted_(max_encrypted) {}
  // Peers already encrypted stay: the limit refuses the next one.
  void set_max_encrypted(int max_encrypted) { max_encrypted_ = max_encrypted; }

  std::error_code add(const PeerInfo& peer);
  std::error_code modify(const PeerInfo& peer);
  std::error_code remove(const MacAddress& mac);
  const PeerInfo* find(const MacAddress& mac) const;
  // Unicast peers only, in slot order; `cursor` is the next slot to look at.
  const PeerInfo* next_unicast(int& cursor) const;
  PeerCount count() const;
  void clear();

 private:
  static std::error_code validate(const PeerInfo& peer);
  std::array<std::optional<PeerInfo>, kMaxPeers> slots_{};
  int max_encrypted_;
};

}  // namespace espnow::detail
