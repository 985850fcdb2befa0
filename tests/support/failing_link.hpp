// FailingLink: a Link around a real one whose add_peer() (NO_MEM: no room to
// allocate the peer) and send() (INTERNAL) fail when its FailCount says so,
// before the real link sees the call, as a driver may fail before it looks at
// the arguments; a failed call changes nothing. Everything else, callbacks
// included, goes to the real link.
#pragma once

#include <string_view>

#include "espnow/common/errors.hpp"
#include "espnow/link/link.hpp"
#include "support/fail_count.hpp"

namespace espnow::test {

class FailingLink final : public Link {
 public:
  static constexpr std::string_view kAddPeer = "link add_peer";
  static constexpr std::string_view kSend = "link send";

  struct Errors {
    std::error_code add_peer = errc::no_mem;
    std::error_code send = errc::internal;
  };

  FailingLink(Link& inner, FailCount& count) : FailingLink(inner, count, Errors{}) {}
  FailingLink(Link& inner, FailCount& count, Errors errors) : inner_(inner), count_(count), errors_(errors) {}

  std::error_code send(const MacAddress* dst, std::span<const std::uint8_t> data) override {
    if (count_.fail(kSend)) return errors_.send;
    return inner_.send(dst, data);
  }
  std::error_code add_peer(const PeerInfo& peer) override {
    if (count_.fail(kAddPeer)) return errors_.add_peer;
    return inner_.add_peer(peer);
  }

  std::error_code init() override { return inner_.init(); }
  std::error_code deinit() override { return inner_.deinit(); }
  bool initialized() const override { return inner_.initialized(); }
  void register_recv_cb(RecvCallback cb, void* ctx) override { inner_.register_recv_cb(cb, ctx); }
  void register_send_cb(SendCallback cb, void* ctx) override { inner_.register_send_cb(cb, ctx); }
  std::error_code mod_peer(const PeerInfo& peer) override { return inner_.mod_peer(peer); }
  std::error_code del_peer(const MacAddress& mac) override { return inner_.del_peer(mac); }
  std::error_code get_peer(const MacAddress& mac, PeerInfo& out) const override { return inner_.get_peer(mac, out); }
  std::error_code fetch_peer(bool from_head, PeerInfo& out) override { return inner_.fetch_peer(from_head, out); }
  bool is_peer_exist(const MacAddress& mac) const override { return inner_.is_peer_exist(mac); }
  std::error_code get_peer_num(PeerCount& out) const override { return inner_.get_peer_num(out); }
  std::error_code set_pmk(std::span<const std::uint8_t, 16> pmk) override { return inner_.set_pmk(pmk); }
  std::error_code set_rate(PhyRate rate) override { return inner_.set_rate(rate); }
  std::size_t max_data_len() const override { return inner_.max_data_len(); }
  int protocol_version() const override { return inner_.protocol_version(); }
  std::error_code set_protocol_version(int version) override { return inner_.set_protocol_version(version); }
  LinkStats link_stats() const override { return inner_.link_stats(); }
  void set_drop_observer(DropCallback cb, void* ctx) override { inner_.set_drop_observer(cb, ctx); }
  bool interface_active(Interface i) const override { return inner_.interface_active(i); }
  std::uint8_t channel() const override { return inner_.channel(); }
  MacAddress mac(Interface i) const override { return inner_.mac(i); }

 private:
  Link& inner_;
  FailCount& count_;
  Errors errors_;
};

}  // namespace espnow::test
