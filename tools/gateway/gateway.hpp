// `espnow gateway`: ESP-NOW to an MQTT broker and back (docs/gateway.md).
// One thread owns every decision and runs libmosquitto's network loop too;
// the radio's thread only posts events to it.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <set>
#include <optional>
#include <random>
#include <string>
#include <unordered_set>

#include "../cli.hpp"
#include "gateway_events.hpp"
#include "gateway_options.hpp"
#include "esp_now_component.hpp"
#include "gateway_radio.hpp"
#include "mqtt_session.hpp"
#include "outbox.hpp"
#include "spool.hpp"
#include "topics.hpp"

namespace CLI {
class App;
}

namespace espnow::gateway {

struct GatewayCounters {
  std::uint64_t rx = 0, rx_refused = 0, rx_published = 0;
  std::uint64_t decode_short = 0;  // shorter than their decoder's layout: not decoded
  std::uint64_t component_malformed = 0, component_duplicates = 0, component_acks = 0;
  std::uint64_t tx_commands = 0, tx_sent = 0, tx_acked = 0, tx_failed = 0;
  std::uint64_t tx_refused = 0, tx_malformed = 0, tx_errors = 0;
  std::uint64_t broker_connects = 0;
};

class Gateway {
 public:
  Gateway(const GatewaySettings& s, GatewayRadio& radio, EventQueue& events, std::string id);
  // Serves until Ctrl-C (cli::g_stop); 0, or 1 when the broker settings fail.
  int run();

 private:
  struct Peer {
    double last_seen_s = 0;
    int rssi = 0;
    std::uint64_t count = 0;
    bool dirty = false;
  };
  struct PendingSend {
    MacAddress dst;
    std::string id_json;
    bool sync;
    bool command = true;  // false: the gateway's own send (a component ACK), reported to no one
  };

  // Sleeps in one poll() on the radio's queue and the broker's socket.
  void wait_and_step(std::chrono::steady_clock::time_point until);
  void handle_all(std::deque<GatewayEvent>& events);
  void handle(Received& e);
  // A component sender's frame: answers its ACK; false for a repeat (not published).
  bool component_frame(const Received& e, std::optional<ComponentFrame>& frame);
  void handle(SendReport& e);
  void handle(BrokerUp&);
  void handle(BrokerDown& e);
  void handle(PublishDone& e);
  void handle(CommandArrived& e);
  void note_short_connection();

  struct HeldSend {  // a command waiting for room in the link's queue
    std::string dst_text;
    MacAddress dst;
    std::vector<std::uint8_t> data;
    std::string id_json;
    bool sync;
  };
  void carry_out(const std::string& dst_text, bool json, const std::string& payload);
  // Sends `h`, or keeps it (in order) while the link's queue is full.
  void send_or_hold(HeldSend h);
  // False when the link's queue is still full: `h` waits on.
  bool try_send(HeldSend& h);
  void send_held();
  void txresult(const std::string& dst_text, const std::string& id_json, const char* acked, const std::string& error,
                const std::string& detail);
  void note_peer(const Received& e);
  void publish_peers();
  void publish_stats();
  void queue(std::vector<Publication> pubs, bool received = false);
  void drain();
  bool publish(const Publication& p, std::uint64_t serial = 0);
  void published(std::uint64_t serial);  // one publication of a spooled entry confirmed, or the entry handed over
  std::string open_spool();
  double wall_s() const;
  void say_goodbye();
  double now_s() const;

  const GatewaySettings& s_;
  GatewayRadio& radio_;
  EventQueue& events_;
  Topics topics_;
  std::string client_id_;
  MqttSession mqtt_;
  std::deque<GatewayEvent> broker_events_;  // from libmosquitto's handlers, handled after its step
  Outbox outbox_;
  GatewayCounters n_;
  std::unordered_set<int> unacked_;  // handed to libmosquitto, not yet confirmed
  Spool spool_;
  MagicCache magics_;  // the component's duplicate filter
  std::minstd_rand magic_rng_{std::random_device{}()};  // magics of the frames we send
  std::map<int, std::uint64_t> mid_serial_;  // a spooled entry's publications in libmosquitto's hands
  std::map<std::uint64_t, int> spooled_out_;  // per spooled entry being handed over: confirmations awaited
  bool connected_ = false;
  bool resending_ = false;  // after a reconnect: libmosquitto's resends go before anything new
  std::set<std::string> failures_said_;  // failed attempts' reasons since the last connection, each said once
  std::chrono::steady_clock::time_point connected_at_{};
  int quick_losses_ = 0;        // connections in a row cut within a moment of being made
  bool said_id_clash_ = false;
  std::map<MacAddress, Peer> peers_;
  std::uint64_t peers_untracked_ = 0;
  std::deque<PendingSend> sends_;  // in send order: the link reports in the same order
  std::deque<HeldSend> held_;      // commands the link had no room for yet, in order
  std::chrono::steady_clock::time_point started_;
};

int cmd_gateway(const cli::GlobalOptions& g, const GatewayOptions& options);

}  // namespace espnow::gateway
