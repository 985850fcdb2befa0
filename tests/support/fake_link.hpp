// A scripted Link for API tests: sends succeed (or fail with scripted
// errors) and their reports are held until the test releases them.
#pragma once

#include <deque>
#include <mutex>

#include "espnow/link/detail/peer_table.hpp"
#include "espnow/link/link.hpp"

namespace espnow::test {

class FakeLink final : public Link {
 public:
  std::error_code init() override { return initialized_ = true, std::error_code{}; }
  std::error_code deinit() override {
    initialized_ = false;
    peers_.clear();
    return {};
  }
  bool initialized() const override { return initialized_; }
  void register_recv_cb(RecvCallback cb, void* ctx) override { recv_cb_ = cb, recv_ctx_ = ctx; }
  void register_send_cb(SendCallback cb, void* ctx) override { send_cb_ = cb, send_ctx_ = ctx; }

  std::error_code send(const MacAddress* dst, std::span<const std::uint8_t>) override {
    std::lock_guard lk(mutex_);
    if (!fail_next_.empty()) {
      auto ec = fail_next_.front();
      fail_next_.pop_front();
      return ec;
    }
    owed_.push_back(*dst);
    ++sends;
    return {};
  }
  // Delivers the oldest held send report.
  void report(SendStatus status = SendStatus::success) {
    MacAddress dst;
    {
      std::lock_guard lk(mutex_);
      dst = owed_.front();
      owed_.pop_front();
    }
    send_cb_(send_ctx_, dst, status);
  }
  void fail_next(std::error_code ec) {
    std::lock_guard lk(mutex_);
    fail_next_.push_back(ec);
  }
  void deliver(const MacAddress& src, std::span<const std::uint8_t> data) {
    recv_cb_(recv_ctx_, RecvInfo{src, {}, RxControl{-30, 1, PhyRate::r1m, 0}}, data);
  }

  std::error_code add_peer(const PeerInfo& p) override { return peers_.add(p); }
  std::error_code mod_peer(const PeerInfo& p) override { return peers_.modify(p); }
  std::error_code del_peer(const MacAddress& m) override { return peers_.remove(m); }
  std::error_code get_peer(const MacAddress& m, PeerInfo& out) const override {
    const PeerInfo* p = peers_.find(m);
    if (!p) return errc::not_found;
    return out = *p, std::error_code{};
  }
  std::error_code fetch_peer(bool, PeerInfo&) override { return errc::not_found; }
  bool is_peer_exist(const MacAddress& m) const override { return peers_.find(m); }
  std::error_code get_peer_num(PeerCount& out) const override { return out = peers_.count(), std::error_code{}; }
  std::error_code set_pmk(std::span<const std::uint8_t, 16>) override { return {}; }
  std::error_code set_rate(PhyRate) override { return rate_error; }
  std::size_t max_data_len() const override { return version_ >= 2 ? 1470 : 250; }
  int protocol_version() const override { return version_; }
  std::error_code set_protocol_version(int v) override { return version_ = v, std::error_code{}; }
  bool interface_active(Interface i) const override { return i == Interface::sta; }
  std::uint8_t channel() const override { return 1; }
  MacAddress mac(Interface) const override { return MacAddress{{2, 0, 0, 0, 0, 1}}; }

  int sends = 0;
  std::error_code rate_error{};  // what set_rate answers (a driver may refuse a rate)

 private:
  std::mutex mutex_;
  bool initialized_ = false;
  int version_ = 1;
  detail::PeerTable peers_{6};
  std::deque<MacAddress> owed_;
  std::deque<std::error_code> fail_next_;
  RecvCallback recv_cb_ = nullptr;
  void* recv_ctx_ = nullptr;
  SendCallback send_cb_ = nullptr;
  void* send_ctx_ = nullptr;
};

}  // namespace espnow::test
