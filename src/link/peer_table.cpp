#include "espnow/link/detail/peer_table.hpp"

#include "espnow/common/errors.hpp"

namespace espnow::detail {

std::error_code PeerTable::validate(const PeerInfo& peer) {
  if (peer.channel > kMaxChannel) return errc::arg;
  if (peer.ifidx != Interface::sta && peer.ifidx != Interface::ap) return errc::arg;
  if (peer.encrypt && peer.mac.is_multicast()) return errc::arg;  // no keys for groups
  return {};
}

std::error_code PeerTable::add(const PeerInfo& peer) {
  if (auto ec = validate(peer)) return ec;
  if (find(peer.mac)) return errc::exist;
  const PeerCount n = count();
  if (n.total >= kMaxPeers || (peer.encrypt && n.encrypted >= max_encrypted_)) return errc::full;
  for (auto& slot : slots_) {
    if (!slot) {
      slot = peer;
      return {};
    }
  }
  return errc::full;
}

std::error_code PeerTable::modify(const PeerInfo& peer) {
  if (auto ec = validate(peer)) return ec;
  for (auto& slot : slots_) {
    if (slot && slot->mac == peer.mac) {
      if (peer.encrypt && !slot->encrypt && count().encrypted >= max_encrypted_) return errc::full;
      *slot = peer;
      return {};
    }
  }
  return errc::not_found;
}

std::error_code PeerTable::remove(const MacAddress& mac) {
  for (auto& slot : slots_) {
    if (slot && slot->mac == mac) {
      slot.reset();
      return {};
    }
  }
  return errc::not_found;
}

const PeerInfo* PeerTable::find(const MacAddress& mac) const {
  for (const auto& slot : slots_)
    if (slot && slot->mac == mac) return &*slot;
  return nullptr;
}

const PeerInfo* PeerTable::next_unicast(int& cursor) const {
  for (; cursor < kMaxPeers; ++cursor) {
    const auto& slot = slots_[static_cast<std::size_t>(cursor)];
    if (slot && slot->mac.is_unicast()) return &*slots_[static_cast<std::size_t>(cursor++)];
  }
  return nullptr;
}

PeerCount PeerTable::count() const {
  PeerCount n;
  for (const auto& slot : slots_) {
    if (!slot) continue;
    ++n.total;
    if (slot->encrypt) ++n.encrypted;
  }
  return n;
}

void PeerTable::clear() { slots_.fill(std::nullopt); }

}  // namespace espnow::detail
