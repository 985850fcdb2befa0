#include "gateway_radio.hpp"

#include <chrono>

namespace espnow::gateway {

GatewayRadio::GatewayRadio(const cli::GlobalOptions& g, EventQueue& events) : events_(events) {
  opened_ = cli::open_radio_or_exit(g, false);
  tag_ = std::make_unique<FrameTagRadio>(*opened_.radio);
  link_ = std::make_unique<SoftLink>(*tag_, SoftLinkOptions{});
  link_->register_recv_cb(&GatewayRadio::on_recv, this);
  link_->register_send_cb(&GatewayRadio::on_send, this);
  if (auto ec = link_->set_protocol_version(cli::protocol_version(g)))
    cli::usage_error("--espnow-version: " + std::string(error_name(ec)));
  if (auto ec = link_->init()) {
    std::fprintf(stderr, "espnow: gateway: the link did not start: %s\n", std::string(error_name(ec)).c_str());
    std::exit(1);
  }
  if (g.rate >= 0) (void)link_->set_rate(static_cast<PhyRate>(g.rate));
  const auto pmk = cli::pmk_option(g);
  (void)link_->set_pmk(pmk);
  for (const cli::PeerKey& k : cli::lmk_options(g)) {
    PeerInfo p{.mac = k.mac, .lmk = k.lmk, .encrypt = true};
    if (auto ec = link_->add_peer(p))
      cli::usage_error("encrypted peer " + to_string(k.mac) + ": " + std::string(error_name(ec)));
  }
}

GatewayRadio::~GatewayRadio() {
  (void)link_->deinit();  // no callback runs after this
}

std::error_code GatewayRadio::ensure_peer(const MacAddress& dst) {
  if (link_->is_peer_exist(dst)) return {};
  for (;;) {
    const std::error_code ec = link_->add_peer(PeerInfo{.mac = dst});
    if (ec != make_error_code(errc::full) || added_.empty()) {
      if (!ec) added_.push_back(dst);
      return ec;
    }
    (void)link_->del_peer(added_.front());
    added_.pop_front();
  }
}

std::error_code GatewayRadio::send(const MacAddress& dst, std::span<const std::uint8_t> data) {
  if (auto ec = ensure_peer(dst)) return ec;
  return link_->send(&dst, data);
}

void GatewayRadio::on_recv(void* self, const RecvInfo& info, std::span<const std::uint8_t> data) {
  const double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  static_cast<GatewayRadio*>(self)->events_.post(
      Received{info, current_frame_tag().text(), now, std::vector<std::uint8_t>(data.begin(), data.end())});
}

void GatewayRadio::on_send(void* self, const MacAddress& dst, SendStatus status) {
  static_cast<GatewayRadio*>(self)->events_.post(SendReport{dst, status == SendStatus::success});
}

}  // namespace espnow::gateway
