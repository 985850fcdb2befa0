// The gateway's ESP-NOW side: the radio the global options name, behind a
// FrameTagRadio, under SoftLink (the link layer, so every message comes with
// its destination, channel and rate). Received messages and send reports
// are posted to the gateway's queue.
#pragma once

#include <deque>
#include <memory>
#include <span>
#include <system_error>

#include "../cli.hpp"
#include "espnow/link/soft_link.hpp"
#include "frame_tag_radio.hpp"
#include "gateway_events.hpp"

namespace espnow::gateway {

class GatewayRadio {
 public:
  // Opens it as the other subcommands open theirs (exits 2 on a usage
  // error, 1 when the radio cannot be opened). `g` carries --pmk and the
  // encrypted peers (--lmk and the config file's).
  GatewayRadio(const cli::GlobalOptions& g, EventQueue& events);
  ~GatewayRadio();
  GatewayRadio(const GatewayRadio&) = delete;
  GatewayRadio& operator=(const GatewayRadio&) = delete;

  MacAddress mac() const { return opened_.radio->mac(Interface::sta); }
  const std::string& where() const { return opened_.description; }
  std::size_t max_len() const { return link_->max_data_len(); }
  LinkStats link_stats() const { return link_->link_stats(); }

  // Sends `data` to `dst`, adding it as a peer first when needed (the oldest
  // peer the gateway added goes when the table is full; encrypted peers
  // stay). On success one SendReport follows.
  std::error_code send(const MacAddress& dst, std::span<const std::uint8_t> data);

 private:
  static void on_recv(void* self, const RecvInfo& info, std::span<const std::uint8_t> data);
  static void on_send(void* self, const MacAddress& dst, SendStatus status);
  std::error_code ensure_peer(const MacAddress& dst);

  EventQueue& events_;
  host::OpenedRadio opened_;
  std::unique_ptr<FrameTagRadio> tag_;
  std::unique_ptr<SoftLink> link_;
  std::deque<MacAddress> added_;  // unencrypted peers added for commands, oldest first
};

}  // namespace espnow::gateway
