#include "mqtt_session.hpp"

#include <mosquitto.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <unistd.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <cstdio>
#include <mutex>

#include "gateway_options.hpp"

namespace espnow::gateway {
namespace {

constexpr char kOffline[] = "offline";
constexpr auto kMiscPeriod = std::chrono::seconds(1);       // keepalive looks (keepalive is at least 5 s)
constexpr auto kSetupTick = std::chrono::milliseconds(10);  // while connecting: see wait()
constexpr int kMaxRetryDelayS = 10;

void init_library_once() {
  static std::once_flag once;
  std::call_once(once, [] { mosquitto_lib_init(); });
}

}  // namespace

MqttSession::MqttSession(const GatewaySettings& s, std::string client_id, std::string will_topic, MqttHandlers handlers)
    : s_(s), will_topic_(std::move(will_topic)), handlers_(std::move(handlers)) {
  init_library_once();
  // A clean session: the broker keeps nothing of ours across connections;
  // what we still owe it, libmosquitto resends after reconnecting.
  mosq_ = mosquitto_new(client_id.c_str(), true, this);
}

MqttSession::~MqttSession() {
  stop(Clock::now() + std::chrono::seconds(1));
  if (mosq_) mosquitto_destroy(mosq_);
}

std::string MqttSession::error_text(int rc) {
  if (rc == MOSQ_ERR_ERRNO) return std::string("system error: ") + mosquitto_strerror(rc);
  if (rc == MOSQ_ERR_EAI) return "cannot resolve the host name";  // libmosquitto says only "Lookup error.
  return mosquitto_strerror(rc);
}

std::string MqttSession::start() {
  if (!mosq_) return "cannot create an MQTT client (out of memory, or a bad client id)";
  mosquitto_int_option(mosq_, MOSQ_OPT_PROTOCOL_VERSION, s_.mqtt_version == 5 ? MQTT_PROTOCOL_V5 : MQTT_PROTOCOL_V311);
  mosquitto_max_inflight_messages_set(mosq_, kMaxInflight);
  if (!s_.username.empty())
    if (int rc = mosquitto_username_pw_set(mosq_, s_.username.c_str(), s_.password.empty() ? nullptr : s_.password.c_str()))
      return "MQTT user name: " + error_text(rc);
  if (s_.tls) {
    const std::pair<const char*, const std::string&> files[] = {
        {"--mqtt-cafile", s_.cafile}, {"--mqtt-cert", s_.certfile}, {"--mqtt-key", s_.keyfile}};
    for (const auto& [option, path] : files)  // libmosquitto would only say "Invalid function arguments"
      if (!path.empty() && ::access(path.c_str(), R_OK) != 0)
        return "TLS files: " + std::string(option) + ": cannot read '" + path + "': " + std::strerror(errno);
    if (int rc = mosquitto_tls_set(mosq_, s_.cafile.c_str(), nullptr, s_.certfile.empty() ? nullptr : s_.certfile.c_str(),
                                   s_.keyfile.empty() ? nullptr : s_.keyfile.c_str(), nullptr))
      return "TLS files (--mqtt-cafile, --mqtt-cert, --mqtt-key): " + error_text(rc);
  }
  if (int rc = mosquitto_will_set(mosq_, will_topic_.c_str(), sizeof kOffline - 1, kOffline, 1, true))
    return "last will: " + error_text(rc);
  mosquitto_connect_callback_set(mosq_, &MqttSession::on_connect);
  mosquitto_disconnect_callback_set(mosq_, &MqttSession::on_disconnect);
  mosquitto_publish_callback_set(mosq_, &MqttSession::on_publish);
  mosquitto_message_callback_set(mosq_, &MqttSession::on_message);
  mosquitto_log_callback_set(mosq_, &MqttSession::on_log);
  started_ = true;  // the first step() connects: what it says comes after the caller's banner
  return {};
}

bool MqttSession::socket_open() const { return mosquitto_socket(mosq_) >= 0; }

void MqttSession::hold_writes() {
  if (!up_ || !socket_open()) return;
  const int on = 1;
  corked_ = ::setsockopt(mosquitto_socket(mosq_), IPPROTO_TCP, TCP_CORK, &on, sizeof on) == 0;
}

void MqttSession::release_writes() {
  if (!corked_) return;
  corked_ = false;
  const int off = 0;
  if (socket_open()) (void)::setsockopt(mosquitto_socket(mosq_), IPPROTO_TCP, TCP_CORK, &off, sizeof off);
}

// Starts an attempt without blocking on it (a non-blocking connect; the
// TLS handshake and CONNACK come through step()). A broker that is not
// there yet is no error: the next attempt is scheduled.
void MqttSession::try_connect(Clock::time_point now) {
  // Until CONNACK, libmosquitto only queues what it sends (the CONNECT),
  // and step()'s loop writes it after reading what the broker said: a
  // broker that refuses the TLS handshake (no client certificate) sends its
  // alert and closes, and a CONNECT written straight after the handshake
  // would meet a reset instead of reading the alert, which names the reason.
  mosquitto_threaded_set(mosq_, true);
  const int rc = attempted_ ? mosquitto_reconnect_async(mosq_)
                            : mosquitto_connect_async(mosq_, s_.host.c_str(), s_.port, s_.keepalive_s);
  if (rc == MOSQ_ERR_SUCCESS) {
    attempted_ = true;
    up_ = false;
    next_misc_ = now + kMiscPeriod;
    return;
  }
  if (!attempted_ && !said_unreachable_)
    std::fprintf(stderr, "gateway: broker %s:%d not reachable yet (%s); retrying\n", s_.host.c_str(), s_.port,
                 error_text(rc).c_str());
  said_unreachable_ = true;
  retry_later(now);
}

// Back within 1 s of a loss, then 1 s more per failed attempt, at most 10 s.
void MqttSession::retry_later(Clock::time_point now) {
  failures_ = std::min(failures_ + 1, kMaxRetryDelayS);
  next_try_ = now + std::chrono::seconds(failures_);
}

MqttSession::Wait MqttSession::wait() const {
  const auto now = Clock::now();
  if (!started_) return {-1, 0, now + std::chrono::hours(1)};
  if (!socket_open()) return {-1, 0, next_try_};
  // Until CONNACK: what the broker sends, and a short tick for the rest
  // (see set_up()).
  if (!up_) return {mosquitto_socket(mosq_), POLLIN, now + kSetupTick};
  const short events = static_cast<short>(POLLIN | (mosquitto_want_write(mosq_) ? POLLOUT : 0));
  return {mosquitto_socket(mosq_), events, next_misc_};
}

void MqttSession::step(short revents) {
  if (!started_) return;
  const auto now = Clock::now();
  if (!socket_open()) {
    if (now < next_try_) return;
    try_connect(now);
    if (socket_open()) set_up(0);  // a broker close by may have answered already
  } else if (up_) {
    serve(revents, now);
  } else {
    set_up(revents);
  }
  if (started_ && !socket_open() && next_try_ <= now) retry_later(now);  // lost, or the attempt failed
}

// Until CONNACK, the broker is read first: the TLS handshake's next step,
// the CONNACK, or a refusal (a TLS alert that names the reason). What is
// queued (the CONNECT) is written on a tick with nothing to read, so a
// CONNECT written right after the handshake does not meet the reset of a
// broker that has just refused it, before its alert was read.
void MqttSession::set_up(short revents) {
  (void)mosquitto_loop_read(mosq_, 1);
  if ((revents & (POLLIN | POLLERR | POLLHUP)) == 0 && socket_open()) (void)mosquitto_loop_write(mosq_, 1);
}

// Connected: read what came (PUBACKs, commands), write what the socket did
// not take at once, and keep the connection alive.
void MqttSession::serve(short revents, Clock::time_point now) {
  if (revents & (POLLIN | POLLERR | POLLHUP | POLLNVAL)) (void)mosquitto_loop_read(mosq_, 1);
  if (socket_open() && mosquitto_want_write(mosq_)) (void)mosquitto_loop_write(mosq_, 1);
  if (socket_open() && now >= next_misc_) {
    (void)mosquitto_loop_misc(mosq_);
    next_misc_ = now + kMiscPeriod;
  }
}

int MqttSession::publish(const std::string& topic, std::span<const char> payload, int qos, bool retain, int* mid) {
  return mosquitto_publish(mosq_, mid, topic.c_str(), static_cast<int>(payload.size()), payload.data(), qos, retain);
}

int MqttSession::subscribe(const std::string& pattern, int qos) {
  return mosquitto_subscribe(mosq_, nullptr, pattern.c_str(), qos);
}

void MqttSession::stop(Clock::time_point deadline) {
  if (!started_) return;
  started_ = false;
  // Not yet connected: nothing to say goodbye to (mosquitto_destroy closes
  // the socket; a broker that took the CONNECT publishes the last will).
  if (!socket_open() || !up_) return;
  mosquitto_disconnect(mosq_);  // written at once as a rule, and the socket closed
  while (socket_open() && Clock::now() < deadline) {
    pollfd p{mosquitto_socket(mosq_), static_cast<short>(POLLIN | (mosquitto_want_write(mosq_) ? POLLOUT : 0)), 0};
    if (::poll(&p, 1, 10) > 0 && (p.revents & (POLLIN | POLLERR | POLLHUP))) (void)mosquitto_loop_read(mosq_, 1);
    if (socket_open()) (void)mosquitto_loop_write(mosq_, 1);
  }
}

void MqttSession::on_connect(mosquitto*, void* self, int rc) {
  auto* s = static_cast<MqttSession*>(self);
  if (rc == 0) {
    s->up_ = true;
    s->failures_ = 0;
    s->said_.clear();  // a later failure is news again
    mosquitto_threaded_set(s->mosq_, false);  // from now on a publication is written at once
  }
  if (rc != 0) {  // refused (bad credentials, ...): said once; the loop retries
    const std::string why = mosquitto_connack_string(rc);
    if (s->said_.insert("refused: " + why).second)
      std::fprintf(stderr, "gateway: the broker refused the connection: %s; retrying\n", why.c_str());
    return;
  }
  if (s->handlers_.connected) s->handlers_.connected();
}

void MqttSession::on_disconnect(mosquitto*, void* self, int rc) {
  auto* s = static_cast<MqttSession*>(self);
  s->up_ = false;
  if (s->handlers_.disconnected) s->handlers_.disconnected(rc);
}

void MqttSession::on_publish(mosquitto*, void* self, int mid) {
  auto* s = static_cast<MqttSession*>(self);
  if (s->handlers_.published) s->handlers_.published(mid);
}

// libmosquitto's own errors (a TLS certificate that does not verify, ...)
// say more than the disconnect's code: each different one is shown once.
// A certificate or key file that does not load is named by libmosquitto
// only here, at the first attempt ("Error: Unable to load CA certificates,
// check cafile ...", "... client certificate ...", "... client key file
// ..."): no later attempt can succeed, so it ends the gateway.
void MqttSession::on_log(mosquitto*, void* self, int level, const char* text) {
  auto* s = static_cast<MqttSession*>(self);
  if (level != MOSQ_LOG_ERR || !text) return;
  std::string_view line = text;
  if (line.starts_with("Error: ")) line.remove_prefix(7);
  if (line.starts_with("Unable to load")) {
    if (s->settings_error_.empty()) s->settings_error_ = line;
    return;
  }
  if (s->said_.insert(std::string(line)).second) std::fprintf(stderr, "gateway: mqtt: %s\n", text);
}

void MqttSession::on_message(mosquitto*, void* self, const mosquitto_message* m) {
  auto* s = static_cast<MqttSession*>(self);
  if (!s->handlers_.message || !m->topic) return;
  s->handlers_.message(m->topic, std::string(static_cast<const char*>(m->payload), static_cast<std::size_t>(m->payloadlen)),
                       m->retain);
}

}  // namespace espnow::gateway
