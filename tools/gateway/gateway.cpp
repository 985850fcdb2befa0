#include "gateway.hpp"

#include <nlohmann/json.hpp>

#include <poll.h>

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "base64.hpp"
#include "ha_discovery.hpp"
#include "tx_command.hpp"

namespace espnow::gateway {
namespace {

using Json = nlohmann::json;
constexpr auto kPoll = std::chrono::milliseconds(100);  // how often the loop looks at g_stop
// While messages stream in: how often the radio's queue is taken, at most
// the delay a message of a stream waits for (see EventQueue).
constexpr auto kBatchTick = std::chrono::milliseconds(1);
constexpr std::size_t kMaxPeers = 1024;                 // senders tracked for peers/ and their topics
constexpr char kOnline[] = "online";

std::string dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

// ISO 8601 in UTC, to the millisecond: what Home Assistant's timestamps read.
std::string iso_time(double unix_s) {
  const auto whole = static_cast<std::time_t>(unix_s);
  std::tm tm{};
  gmtime_r(&whole, &tm);
  char buf[96];
  const int ms = static_cast<int>((unix_s - static_cast<double>(whole)) * 1000) % 1000;
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03d+00:00", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
  return buf;
}

nlohmann::json component_json(const ComponentFrame& f) {
  const ComponentFrameHead& h = f.head;
  return {{"type", component_type_name(f.type)}, {"src", mac_hex(f.src)}, {"dst", mac_hex(f.dst)},
          {"magic", h.magic}, {"channel", h.channel}, {"security", h.security}, {"broadcast", h.broadcast},
          {"group", h.group}, {"ack", h.ack}, {"retransmit_count", h.retransmit_count},
          {"forward_ttl", h.forward_ttl}, {"forward_rssi", h.forward_rssi},
          {"filter_adjacent_channel", h.filter_adjacent_channel}, {"filter_weak_signal", h.filter_weak_signal},
          {"data_b64", base64_encode(f.payload)}};
}

// A string as JSON: copied when it is plain ASCII, else through the json
// library (escapes, and invalid UTF-8 replaced, as dump() does everywhere).
void append_string(std::string& out, std::string_view s) {
  const bool plain = std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\'; });
  if (!plain) return void(out += dump(Json(std::string(s))));
  out += '"';
  out += s;
  out += '"';
}

template <class T>
void append_field(std::string& out, std::string_view key, const T& value) {
  out += out.size() == 1 ? "\"" : ",\"";
  out += key;
  out += "\":";
  if constexpr (std::is_integral_v<T>) out += std::to_string(value);
  else if constexpr (std::is_floating_point_v<T>) out += dump(Json(value));
  else append_string(out, value);
}

// Written field by field rather than through a json object: it is made for
// every message, and the object's map and allocations took 13% of the
// gateway's CPU in a stream (perf). The keys come in the order the json
// object's map gave them (sorted), so the bytes are the same.
std::string rx_json(const Received& e, const std::string& gw, const std::optional<ComponentFrame>& frame) {
  std::string out = "{";
  out.reserve(320 + 2 * e.data.size());
  append_field(out, "channel", int{e.info.rx_ctrl.channel});
  append_field(out, "data_b64", base64_encode(e.data));
  append_field(out, "dst", mac_hex(e.info.dst));
  if (frame) {
    Json c = component_json(*frame);
    if (cli::is_text(frame->payload)) c["text"] = std::string(frame->payload.begin(), frame->payload.end());
    out += ",\"esp_now\":" + dump(c);
  }
  append_field(out, "gw", gw);
  append_field(out, "len", e.data.size());
  append_field(out, "rate", rate_info(e.info.rx_ctrl.rate).name);
  append_field(out, "rssi", int{e.info.rx_ctrl.rssi_dbm});
  append_field(out, "seq", e.seq);
  append_field(out, "src", mac_hex(e.info.src));
  if (cli::is_text(e.data)) append_field(out, "text", std::string_view(reinterpret_cast<const char*>(e.data.data()), e.data.size()));
  append_field(out, "time", iso_time(e.wall_time_s));
  append_field(out, "ts", e.wall_time_s);
  return out + "}";
}

}  // namespace

Gateway::Gateway(const GatewaySettings& s, GatewayRadio& radio, EventQueue& events, std::string id)
    : s_(s),
      radio_(radio),
      events_(events),
      topics_(s.prefix, id),
      client_id_(s.client_id.empty() ? "espnow-gw-" + id : s.client_id),
      mqtt_(s, client_id_, topics_.status(),
            MqttHandlers{
                // Run inside libmosquitto's step, on this thread: kept for after it.
                .connected = [this] { broker_events_.push_back(BrokerUp{}); },
                .disconnected = [this](int rc) { broker_events_.push_back(BrokerDown{rc}); },
                .published = [this](int mid) { broker_events_.push_back(PublishDone{mid}); },
                .message = [this](std::string t, std::string p, bool retained) {
                  broker_events_.push_back(CommandArrived{std::move(t), std::move(p), retained});
                },
            }),
      outbox_(s.queue_max, s.queue_age_s),
      started_(std::chrono::steady_clock::now()) {}

double Gateway::now_s() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
}

int Gateway::run() {
  // What can refuse to start does so before the banner says it started.
  if (const std::string error = open_spool(); !error.empty())
    return std::fprintf(stderr, "espnow: gateway: %s\n", error.c_str()), 1;
  if (const std::string error = mqtt_.start(); !error.empty())
    return std::fprintf(stderr, "espnow: gateway: %s\n", error.c_str()), 1;
  const std::string host = s_.host.find(':') != std::string::npos ? "[" + s_.host + "]" : s_.host;  // IPv6
  std::fprintf(stderr, "gateway %s: %s on %s, to %s://%s:%d, prefix %s, allow-rx %s, allow-tx %s (Ctrl-C to stop)\n",
               topics_.gw().c_str(), to_string(radio_.mac()).c_str(), radio_.where().c_str(), s_.tls ? "mqtts" : "mqtt",
               host.c_str(), s_.port, s_.prefix.c_str(), s_.allow_rx.describe().c_str(),
               s_.allow_tx.describe().c_str());
  if (!outbox_.empty())
    std::fprintf(stderr, "gateway: %zu messages from the spool (%s) go first\n", outbox_.size(), s_.spool_dir.c_str());
  const auto period = std::chrono::duration<double>(s_.stats_interval_s);
  auto next_stats = std::chrono::steady_clock::now() + std::chrono::duration_cast<std::chrono::steady_clock::duration>(period);
  bool streaming = false;  // the radio's queue had something at the last look
  while (!cli::g_stop) {
    const auto now = std::chrono::steady_clock::now();
    auto until = std::min(now + kPoll, s_.stats_interval_s > 0 ? next_stats : now + kPoll);
    // While messages stream in, the radio's queue is looked at on a tick
    // (batches, and no wake-up per message); once it is found empty, the
    // next message wakes this thread at once.
    if (streaming) until = std::min(until, now + kBatchTick);
    else if (!events_.arm()) until = now;
    wait_and_step(until);
    if (const std::string& error = mqtt_.settings_error(); !error.empty())
      return std::fprintf(stderr, "espnow: gateway: TLS files (--mqtt-cafile, --mqtt-cert, --mqtt-key): %s\n",
                          error.c_str()), 1;
    // All that came in this wake-up, the broker's first, then one drain:
    // a burst of messages is handed over in one go.
    handle_all(broker_events_);
    std::deque<GatewayEvent> events = events_.take();
    streaming = !events.empty();
    handle_all(events);
    outbox_.expire(now_s());
    if (connected_ && !outbox_.empty()) {
      mqtt_.hold_writes();
      drain();
      mqtt_.release_writes();
    }
    if (s_.stats_interval_s > 0 && std::chrono::steady_clock::now() >= next_stats) {
      publish_peers();
      publish_stats();
      next_stats += std::chrono::duration_cast<std::chrono::steady_clock::duration>(period);
    }
  }
  say_goodbye();
  return 0;
}

// Sleeps until the radio posts, the broker's socket is ready, libmosquitto
// has something due, or `until`; then runs libmosquitto's step (its
// handlers fill broker_events_).
void Gateway::wait_and_step(std::chrono::steady_clock::time_point until) {
  const MqttSession::Wait w = mqtt_.wait();
  const auto left = std::min(until, w.until) - std::chrono::steady_clock::now();
  const auto ms = std::max<std::int64_t>(0, std::chrono::ceil<std::chrono::milliseconds>(left).count());
  pollfd fds[2] = {{events_.fd(), POLLIN, 0}, {w.fd, w.events, 0}};
  const int n = ::poll(fds, w.fd >= 0 ? 2 : 1, static_cast<int>(std::min<std::int64_t>(ms, 1000)));
  if (n > 0 && fds[0].revents) events_.clear_signal();
  mqtt_.step(n > 0 && w.fd >= 0 ? fds[1].revents : 0);
}

void Gateway::handle_all(std::deque<GatewayEvent>& events) {
  while (!events.empty()) {
    GatewayEvent e = std::move(events.front());
    events.pop_front();
    try {  // the gateway never dies of a message
      std::visit([this](auto& ev) { handle(ev); }, e);
    } catch (const std::exception& ex) {
      std::fprintf(stderr, "gateway: an event failed: %s\n", ex.what());
    }
  }
}

double Gateway::wall_s() const {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// What a previous run left in the spool goes first, its age kept.
std::string Gateway::open_spool() {
  if (s_.spool_dir.empty()) return {};
  std::vector<OutboxEntry> left;
  if (std::string error = spool_.open(s_.spool_dir, left); !error.empty()) return error;
  outbox_.on_drop = [this](const OutboxEntry& e) { spool_.done(e.serial); };
  const double age_offset = wall_s() - now_s();
  for (OutboxEntry& e : left) {
    e.queued_at_s -= age_offset;
    outbox_.push(std::move(e));
  }
  return {};
}

void Gateway::handle(Received& e) {
  ++n_.rx;
  if (!s_.allow_rx.allows(e.info.src)) {
    ++n_.rx_refused;
    return;
  }
  std::optional<ComponentFrame> frame;
  if (s_.speaks_component(e.info.src) && !component_frame(e, frame)) return;
  const std::string raw(e.data.begin(), e.data.end());
  const bool new_peer = !peers_.contains(e.info.src);
  note_peer(e);
  const Decoder* decoder = s_.decoder_for(e.info.src);
  // Home Assistant learns of a sender before its first state arrives.
  if (new_peer && !s_.ha_prefix.empty()) queue(ha_discovery_configs(topics_, s_.ha_prefix, e.info.src, decoder));
  std::vector<Publication> pubs = {{topics_.rx_any(e.info.src), raw, s_.qos, false},
                                   {topics_.rx(e.info.src), raw, s_.qos, false},
                                   {topics_.rx_json(e.info.src), rx_json(e, topics_.gw(), frame), s_.qos, false}};
  if (frame)
    pubs.push_back({topics_.rx_component(e.info.src, component_type_name(frame->type)),
                    std::string(frame->payload.begin(), frame->payload.end()), s_.qos, false});
  if (decoder) {  // a component frame's payload is what its struct is in
    if (auto fields = decode(*decoder, frame ? std::span<const std::uint8_t>(frame->payload) : std::span<const std::uint8_t>(e.data))) pubs.push_back({topics_.rx_decoded(e.info.src), dump(*fields), s_.qos, false});
    else ++n_.decode_short;
  }
  queue(std::move(pubs), true);
  if (new_peer) publish_peers();  // a newcomer is announced at once, the others with the stats
}

// As the component's receiver: the ACK first (a repeat is answered again,
// its first ACK may have been lost), then the duplicate filter.
bool Gateway::component_frame(const Received& e, std::optional<ComponentFrame>& frame) {
  std::string why;
  frame = parse_component_frame(e.data, why);
  if (!frame) {
    ++n_.component_malformed;  // published raw, as any message
    return true;
  }
  const bool acks = frame->type != kComponentTypeAck && frame->type != kComponentTypeGroup;
  if (acks && frame->head.ack && frame->dst == radio_.mac()) {
    const auto ack = encode_component_frame(component_ack(*frame, radio_.mac()));
    if (!radio_.send(MacAddress::broadcast(), ack)) {
      sends_.push_back({MacAddress::broadcast(), "null", false, false});
      ++n_.component_acks;
    }
  }
  if (magics_.seen(frame->type, frame->head.magic)) {
    ++n_.component_duplicates;
    return false;
  }
  return true;
}

void Gateway::note_peer(const Received& e) {
  auto it = peers_.find(e.info.src);
  if (it == peers_.end()) {
    if (peers_.size() >= kMaxPeers) return void(++peers_untracked_);
    it = peers_.emplace(e.info.src, Peer{}).first;
  }
  it->second.last_seen_s = e.wall_time_s;
  it->second.rssi = e.info.rx_ctrl.rssi_dbm;
  ++it->second.count;
  it->second.dirty = true;
}

// Retained state, not events: while the broker is away the newest is kept
// (dirty), and it goes straight to the broker, never through the queue, so
// the queue's room (and its spool) is the messages'.
void Gateway::publish_peers() {
  if (!connected_) return;
  for (auto& [mac, p] : peers_) {
    if (!p.dirty) continue;
    const Json j = {{"mac", mac_hex(mac)}, {"gw", topics_.gw()}, {"last_seen", p.last_seen_s}, {"rssi", p.rssi},
                    {"count", p.count}};
    if (publish({topics_.peer(mac), dump(j), 1, true})) p.dirty = false;
  }
}

void Gateway::publish_stats() {
  if (!connected_) return;  // a stale count is worth nothing later: not queued
  const LinkStats l = radio_.link_stats();
  const Json j = {
      {"gw", topics_.gw()},
      {"uptime_s", static_cast<std::uint64_t>(now_s())},
      {"rx", n_.rx},
      {"rx_refused", n_.rx_refused},
      {"rx_published", n_.rx_published},
      {"decode_short", n_.decode_short},
      {"component_malformed", n_.component_malformed},
      {"component_duplicates", n_.component_duplicates},
      {"component_acks", n_.component_acks},
      {"queue", outbox_.size()},
      {"queue_max", s_.queue_max},
      {"dropped_queue_full", outbox_.drops().full},
      {"dropped_too_old", outbox_.drops().too_old},
      {"tx_commands", n_.tx_commands},
      {"tx_sent", n_.tx_sent},
      {"tx_acked", n_.tx_acked},
      {"tx_failed", n_.tx_failed},
      {"tx_refused", n_.tx_refused},
      {"tx_malformed", n_.tx_malformed},
      {"tx_errors", n_.tx_errors},
      {"tx_held", held_.size()},
      {"broker_connects", n_.broker_connects},
      {"peers", peers_.size()},
      {"peers_untracked", peers_untracked_},
      {"link", {{"rx_malformed", l.rx_malformed}, {"rx_duplicates", l.rx_duplicates},
                {"rx_encrypted", l.rx_encrypted}, {"rx_mic_failures", l.rx_mic_failures},
                {"rx_replayed", l.rx_replayed}, {"rx_too_long", l.rx_too_long}}},
  };
  (void)publish({topics_.stats(), dump(j), 0, false});
}

void Gateway::handle(SendReport& e) {
  if (sends_.empty()) return;  // a report for a send we did not make: nothing to answer
  PendingSend p = std::move(sends_.front());
  sends_.pop_front();
  send_held();  // a place in the link's queue is free
  if (!p.command) return;
  (e.acked ? n_.tx_acked : n_.tx_failed) += 1;
  if (p.sync) txresult(mac_hex(p.dst), p.id_json, e.acked ? "true" : "false", "", "");
}

void Gateway::handle(BrokerUp&) {
  ++n_.broker_connects;
  connected_ = true;
  resending_ = !unacked_.empty();
  // A clean session: subscriptions are made again on every connection.
  (void)mqtt_.subscribe(topics_.tx_pattern(), 1);
  (void)mqtt_.subscribe(topics_.tx_json_pattern(), 1);
  (void)publish({topics_.status(), kOnline, 1, true});
  publish_peers();  // those first heard while it was away
  connected_at_ = std::chrono::steady_clock::now();
  std::fprintf(stderr, "gateway: connected to the broker%s\n", n_.broker_connects > 1 ? " again" : "");
}

// A broker drops a client when another connects with the same client id:
// two gateways sharing one then take turns, each connection cut within a
// moment. Said once, when it has happened twice in a row.
void Gateway::note_short_connection() {
  constexpr auto kShort = std::chrono::seconds(2);
  quick_losses_ = std::chrono::steady_clock::now() - connected_at_ < kShort ? quick_losses_ + 1 : 0;
  if (quick_losses_ < 2 || said_id_clash_) return;
  said_id_clash_ = true;
  std::fprintf(stderr, "gateway: the broker closed each connection right after accepting it: is another client "
               "connected with the client id '%s'? (each gateway needs its own --id or --client-id)\n",
               client_id_.c_str());
}

void Gateway::handle(BrokerDown& e) {
  if (!connected_) {  // an attempt failed (TLS, refused): said once per kind of failure
    const std::string why = MqttSession::error_text(e.rc);
    if (e.rc != 0 && failures_said_.insert(why).second)
      std::fprintf(stderr, "gateway: cannot connect to the broker (%s); retrying\n", why.c_str());
    return;
  }
  failures_said_.clear();
  connected_ = false;
  if (e.rc != 0) note_short_connection();
  if (e.rc != 0)
    std::fprintf(stderr, "gateway: lost the broker (%s); keeping up to %zu messages until it returns\n",
                 MqttSession::error_text(e.rc).c_str(), s_.queue_max);
}

void Gateway::handle(PublishDone& e) {
  unacked_.erase(e.mid);
  if (unacked_.empty()) resending_ = false;
  if (const auto it = mid_serial_.find(e.mid); it != mid_serial_.end()) {
    const std::uint64_t serial = it->second;
    mid_serial_.erase(it);
    published(serial);
  }
}

// A spooled entry is forgotten once it is wholly handed over (counted as
// one more awaited, released by drain) and each of its publications confirmed.
void Gateway::published(std::uint64_t serial) {
  const auto it = spooled_out_.find(serial);
  if (it == spooled_out_.end() || --it->second > 0) return;
  spooled_out_.erase(it);
  spool_.done(serial);
}

void Gateway::handle(CommandArrived& e) {
  const auto command = topics_.parse_command(e.topic);
  if (!command) return;  // not ours (the subscriptions match only ours)
  ++n_.tx_commands;
  if (e.retained) {  // sent again at every start and reconnect: one publish must be one send
    ++n_.tx_refused;
    const TxParse p = parse_tx_command(command->dst, command->json, e.payload, radio_.max_len());
    return txresult(command->dst, p.request ? p.request->id_json : p.rejection.id_json, "null", "retained",
                    "a retained command is the broker's stored copy, replayed to every new subscriber: not sent; "
                    "publish commands without the retain flag, and clear this one (an empty retained message)");
  }
  carry_out(command->dst, command->json, e.payload);
}

void Gateway::carry_out(const std::string& dst_text, bool json, const std::string& payload) {
  TxParse p = parse_tx_command(dst_text, json, payload, radio_.max_len());
  if (!p.request) {
    ++n_.tx_malformed;
    return txresult(dst_text, p.rejection.id_json, "null", p.rejection.error, p.rejection.detail);
  }
  const TxRequest& r = *p.request;
  if (!s_.allow_tx.allows(r.dst)) {
    ++n_.tx_refused;
    return txresult(dst_text, r.id_json, "null", "not_allowed",
                    to_string(r.dst) + " is not in --allow-tx (" + s_.allow_tx.describe() + ")");
  }
  std::vector<std::uint8_t> data = r.data;
  if (s_.speaks_component(r.dst)) {  // in the component's framing, as a DATA frame
    ComponentFrame f{.type = kComponentTypeData, .head = {}, .dst = r.dst, .src = radio_.mac(), .payload = r.data};
    f.head.magic = static_cast<std::uint16_t>(magic_rng_());
    f.head.broadcast = r.dst.is_broadcast();
    f.head.retransmit_count = 1;
    data = encode_component_frame(f);
    if (data.size() > radio_.max_len()) {
      ++n_.tx_malformed;
      return txresult(dst_text, r.id_json, "null", "too_long",
                      std::to_string(r.data.size()) + " bytes and the component's 20-byte header are more than " +
                          std::to_string(radio_.max_len()));
    }
  }
  send_or_hold({dst_text, r.dst, std::move(data), r.id_json, r.sync});
}

// Commands faster than the air are not refused: they wait, in order, for
// the link's queue to make room (each send report frees one), up to kMaxHeld.
void Gateway::send_or_hold(HeldSend h) {
  constexpr std::size_t kMaxHeld = 10000;
  if (held_.empty() && try_send(h)) return;
  if (held_.size() >= kMaxHeld) {
    ++n_.tx_errors;
    return txresult(h.dst_text, h.id_json, "null", "send_failed",
                    "the link's queue and the gateway's (" + std::to_string(kMaxHeld) + " commands) are full");
  }
  held_.push_back(std::move(h));
}

bool Gateway::try_send(HeldSend& h) {
  if (auto ec = radio_.send(h.dst, h.data)) {
    if (ec == make_error_code(errc::no_mem)) return false;
    ++n_.tx_errors;
    txresult(h.dst_text, h.id_json, "null", "send_failed", std::string(error_name(ec)));
    return true;
  }
  ++n_.tx_sent;
  sends_.push_back({h.dst, h.id_json, h.sync});
  if (!h.sync) txresult(mac_hex(h.dst), h.id_json, "null", "", "");
  return true;
}

void Gateway::send_held() {
  while (!held_.empty() && try_send(held_.front())) held_.pop_front();
}

void Gateway::txresult(const std::string& dst_text, const std::string& id_json, const char* acked,
                       const std::string& error, const std::string& detail) {
  Json j = {{"id", Json::parse(id_json)}, {"acked", Json::parse(acked)}, {"error", nullptr}};
  if (!error.empty()) j["error"] = error, j["detail"] = detail;
  // One topic per destination however the command spelled it (aabbccddeeff).
  const auto dst = MacAddress::parse(dst_text);
  queue({{topics_.txresult(dst ? mac_hex(*dst) : dst_text), dump(j), 1, false}});
}

void Gateway::queue(std::vector<Publication> pubs, bool received) {
  OutboxEntry entry{.queued_at_s = now_s(), .received = received, .publications = std::move(pubs), .serial = 0};
  if (spool_.is_open()) spool_.append(entry, wall_s());
  outbox_.push(std::move(entry));
}

// Hands the outbox to libmosquitto in order, as far as its window allows.
// After a reconnect, what libmosquitto resends goes first: nothing new is
// handed over until those are confirmed, so the order holds.
void Gateway::drain() {
  while (connected_ && !resending_ && !outbox_.empty()) {
    OutboxEntry& entry = outbox_.front();
    if (unacked_.size() + entry.publications.size() > static_cast<std::size_t>(MqttSession::kMaxInflight)) return;
    if (entry.serial) spooled_out_.emplace(entry.serial, 1);  // the 1: until wholly handed over
    while (!entry.publications.empty()) {
      if (!publish(entry.publications.front(), entry.serial)) return;  // kept: tried again once connected
      entry.publications.erase(entry.publications.begin());
    }
    if (entry.publications.empty()) {
      if (entry.received) ++n_.rx_published;
      const std::uint64_t serial = entry.serial;
      outbox_.pop();
      if (serial) published(serial);
    }
  }
}

bool Gateway::publish(const Publication& p, std::uint64_t serial) {
  int mid = 0;
  const int rc = mqtt_.publish(p.topic, p.payload, p.qos, p.retain, &mid);
  if (rc != 0) return false;
  unacked_.insert(mid);
  if (serial) {
    mid_serial_[mid] = serial;
    ++spooled_out_[serial];
  }
  return true;
}

// Says offline (the last will is for a gateway that dies), and waits a
// moment for the broker to confirm it.
void Gateway::say_goodbye() {
  // What the radio handed over before the stop is kept (spooled) too.
  for (GatewayEvent& e : events_.take())
    if (auto* r = std::get_if<Received>(&e)) handle(*r);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  if (connected_ && publish({topics_.status(), "offline", 1, true})) {
    while (!unacked_.empty() && mqtt_.socket_open() && std::chrono::steady_clock::now() < deadline) {
      wait_and_step(deadline);
      for (GatewayEvent& e : std::exchange(broker_events_, {}))
        if (auto* done = std::get_if<PublishDone>(&e)) handle(*done);
    }
  }
  mqtt_.stop(std::max(deadline, std::chrono::steady_clock::now() + std::chrono::milliseconds(500)));
  std::fprintf(stderr, "--- gateway: %llu received, %llu published, %llu refused, %zu undelivered; %llu commands, %llu sent, %llu acknowledged\n",
               (unsigned long long)n_.rx, (unsigned long long)n_.rx_published, (unsigned long long)n_.rx_refused,
               outbox_.size(), (unsigned long long)n_.tx_commands, (unsigned long long)n_.tx_sent,
               (unsigned long long)n_.tx_acked);
}

int cmd_gateway(const cli::GlobalOptions& global, const GatewayOptions& options) {
  const GatewaySettings settings = resolve_settings(options);
  cli::GlobalOptions g = global;  // the config file's encrypted peers join --lmk's
  if (g.pmk.empty()) g.pmk = settings.pmk;
  g.lmks.insert(g.lmks.end(), settings.lmks.begin(), settings.lmks.end());
  EventQueue events;
  GatewayRadio radio(g, events);
  Gateway gateway(settings, radio, events, settings.id.empty() ? mac_hex(radio.mac()) : settings.id);
  return gateway.run();
}

}  // namespace espnow::gateway
