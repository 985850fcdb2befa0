#include "mqtt_session.hpp"

#include <mosquitto.h>

#include <cstdio>
#include <mutex>

#include "gateway_options.hpp"

namespace espnow::gateway {
namespace {

constexpr char kOffline[] = "offline";

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
  stop();
  if (mosq_) mosquitto_destroy(mosq_);
}

std::string MqttSession::error_text(int rc) {
  if (rc == MOSQ_ERR_ERRNO) return std::string("system error: ") + mosquitto_strerror(rc);
  return mosquitto_strerror(rc);
}

std::string MqttSession::start() {
  if (!mosq_) return "cannot create an MQTT client (out of memory, or a bad client id)";
  mosquitto_int_option(mosq_, MOSQ_OPT_PROTOCOL_VERSION, s_.mqtt_version == 5 ? MQTT_PROTOCOL_V5 : MQTT_PROTOCOL_V311);
  mosquitto_max_inflight_messages_set(mosq_, kMaxInflight);
  // Back again within seconds of the broker's return, at worst every 10 s.
  mosquitto_reconnect_delay_set(mosq_, 1, 10, false);
  if (!s_.username.empty())
    if (int rc = mosquitto_username_pw_set(mosq_, s_.username.c_str(), s_.password.empty() ? nullptr : s_.password.c_str()))
      return "MQTT user name: " + error_text(rc);
  if (s_.tls) {
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
  if (int rc = mosquitto_loop_start(mosq_)) return "MQTT thread: " + error_text(rc);
  started_ = true;
  keep_trying();
  return {};
}

// A broker that is not there yet is no error. But when the very first
// attempt fails at once (connection refused), libmosquitto's thread waits
// for an attempt that never comes: so we make them until one is under way.
void MqttSession::keep_trying() {
  if (under_way_ || !started_ || std::chrono::steady_clock::now() < next_try_) return;
  const int rc = mosquitto_connect_async(mosq_, s_.host.c_str(), s_.port, s_.keepalive_s);
  if (rc == MOSQ_ERR_SUCCESS) {
    under_way_ = true;
    return;
  }
  if (next_try_ == std::chrono::steady_clock::time_point{})
    std::fprintf(stderr, "gateway: broker %s:%d not reachable yet (%s); retrying\n", s_.host.c_str(), s_.port,
                 error_text(rc).c_str());
  next_try_ = std::chrono::steady_clock::now() + std::chrono::seconds(1);
}

int MqttSession::publish(const std::string& topic, std::span<const char> payload, int qos, bool retain, int* mid) {
  return mosquitto_publish(mosq_, mid, topic.c_str(), static_cast<int>(payload.size()), payload.data(), qos, retain);
}

int MqttSession::subscribe(const std::string& pattern, int qos) {
  return mosquitto_subscribe(mosq_, nullptr, pattern.c_str(), qos);
}

void MqttSession::stop() {
  if (!started_) return;
  started_ = false;
  mosquitto_disconnect(mosq_);
  mosquitto_loop_stop(mosq_, false);
}

void MqttSession::on_connect(mosquitto*, void* self, int rc) {
  auto* s = static_cast<MqttSession*>(self);
  if (rc != 0) {  // refused (bad credentials, ...): said once per attempt; the loop retries
    std::fprintf(stderr, "gateway: the broker refused the connection: %s\n", mosquitto_connack_string(rc));
    return;
  }
  if (s->handlers_.connected) s->handlers_.connected();
}

void MqttSession::on_disconnect(mosquitto*, void* self, int rc) {
  auto* s = static_cast<MqttSession*>(self);
  if (s->handlers_.disconnected) s->handlers_.disconnected(rc);
}

void MqttSession::on_publish(mosquitto*, void* self, int mid) {
  auto* s = static_cast<MqttSession*>(self);
  if (s->handlers_.published) s->handlers_.published(mid);
}

// libmosquitto's own errors (a TLS certificate that does not verify, ...)
// say more than the disconnect's code: each different one is shown once.
void MqttSession::on_log(mosquitto*, void* self, int level, const char* text) {
  auto* s = static_cast<MqttSession*>(self);
  if (level != MOSQ_LOG_ERR || !text) return;
  std::lock_guard lock(s->log_mutex_);
  if (s->last_log_ == text) return;
  s->last_log_ = text;
  std::fprintf(stderr, "gateway: mqtt: %s\n", text);
}

void MqttSession::on_message(mosquitto*, void* self, const mosquitto_message* m) {
  auto* s = static_cast<MqttSession*>(self);
  if (!s->handlers_.message || !m->topic) return;
  s->handlers_.message(m->topic, std::string(static_cast<const char*>(m->payload), static_cast<std::size_t>(m->payloadlen)));
}

}  // namespace espnow::gateway
