// The gateway's connection to its broker, over libmosquitto: connect with
// a last will, reconnect on its own thread, publish, subscribe. Its events
// run on libmosquitto's thread: the handlers hand them over and return.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <span>
#include <string>

struct mosquitto;
struct mosquitto_message;

namespace espnow::gateway {

struct GatewaySettings;

struct MqttHandlers {
  std::function<void()> connected;                  // each (re)connection, CONNACK accepted
  std::function<void(int rc)> disconnected;         // rc 0: we asked for it
  std::function<void(int mid)> published;           // QoS 0 sent, QoS 1 PUBACKed, QoS 2 completed
  std::function<void(std::string topic, std::string payload)> message;
};

class MqttSession {
 public:
  // The number of publications libmosquitto holds unconfirmed at once.
  static constexpr int kMaxInflight = 100;

  MqttSession(const GatewaySettings& s, std::string client_id, std::string will_topic, MqttHandlers handlers);
  ~MqttSession();
  MqttSession(const MqttSession&) = delete;
  MqttSession& operator=(const MqttSession&) = delete;

  // Starts connecting (and reconnecting, for ever) on libmosquitto's thread.
  // An error here is the settings' (a TLS file that does not load): its text.
  std::string start();
  // A libmosquitto error code (0: handed over), and the message id.
  int publish(const std::string& topic, std::span<const char> payload, int qos, bool retain, int* mid);
  int subscribe(const std::string& pattern, int qos);
  // Until the first connection attempt gets under way, tries again each
  // second (libmosquitto's thread retries only once one has): call often.
  void keep_trying();
  // Disconnects cleanly (no last will) and stops the thread.
  void stop();

  static std::string error_text(int rc);

 private:
  static void on_connect(mosquitto*, void* self, int rc);
  static void on_disconnect(mosquitto*, void* self, int rc);
  static void on_publish(mosquitto*, void* self, int mid);
  static void on_message(mosquitto*, void* self, const mosquitto_message* m);
  static void on_log(mosquitto*, void* self, int level, const char* text);

  const GatewaySettings& s_;
  std::string will_topic_;
  MqttHandlers handlers_;
  mosquitto* mosq_ = nullptr;
  bool started_ = false;
  bool under_way_ = false;  // a connection attempt started; libmosquitto retries from there
  std::chrono::steady_clock::time_point next_try_{};
  std::mutex log_mutex_;
  std::string last_log_;  // the last error libmosquitto logged, not repeated
};

}  // namespace espnow::gateway
