// The gateway's connection to its broker, over libmosquitto: connect with
// a last will, reconnect, publish, subscribe. libmosquitto's network loop
// runs on the caller's thread (step()), not on a thread of its own: a
// publication is written to the socket at once, with no wake-up of another
// thread, and the handlers run inside step(), on the caller's thread.
#pragma once

#include <chrono>
#include <functional>
#include <span>
#include <set>
#include <string>

struct mosquitto;
struct mosquitto_message;

namespace espnow::gateway {

struct GatewaySettings;

struct MqttHandlers {
  std::function<void()> connected;                  // each (re)connection, CONNACK accepted
  std::function<void(int rc)> disconnected;         // rc 0: we asked for it
  std::function<void(int mid)> published;           // QoS 0 sent, QoS 1 PUBACKed, QoS 2 completed
  std::function<void(std::string topic, std::string payload, bool retained)> message;  // retained: a replay
};

class MqttSession {
 public:
  using Clock = std::chrono::steady_clock;
  // The number of publications libmosquitto holds unconfirmed at once.
  // A stream is bound by it over the round trip to the broker and back to
  // this thread (a few ms on a busy machine): 100 capped a stream at ~33,000
  // publications (11,000 messages) a second. Too many cost CPU instead:
  // libmosquitto walks its whole in-flight list on every PUBACK, so 1,000
  // spent ~10 us more per message (3 publications) than 400 for no more
  // throughput.
  static constexpr int kMaxInflight = 400;

  MqttSession(const GatewaySettings& s, std::string client_id, std::string will_topic, MqttHandlers handlers);
  ~MqttSession();
  MqttSession(const MqttSession&) = delete;
  MqttSession& operator=(const MqttSession&) = delete;

  // Sets the connection up; the first step() makes the first attempt (a
  // broker not there yet is no error: step() tries again). An error here is
  // the settings' (a TLS file that does not load): its text.
  std::string start();

  // What the caller's poll() waits on for step(): the broker's socket (-1:
  // none) with its events, and the time by which step() must run anyway
  // (a reconnect due, keepalive, a connection being set up).
  struct Wait {
    int fd = -1;
    short events = 0;
    Clock::time_point until;
  };
  Wait wait() const;
  // libmosquitto's network step, never blocking: reads what the broker
  // sent (the handlers run), writes what is pending, keeps the connection
  // alive, and reconnects when it is time. `revents`: what poll() reported
  // on wait()'s socket (0: nothing, or the time came).
  void step(short revents);

  // A libmosquitto error code (0: handed over, written as far as the
  // socket takes it), and the message id.
  int publish(const std::string& topic, std::span<const char> payload, int qos, bool retain, int* mid);
  int subscribe(const std::string& pattern, int qos);
  bool socket_open() const;
  // Between these, what is published waits in the kernel (TCP_CORK) and
  // goes out in as few segments as it fills: one wake-up of the broker
  // for a burst, not one per publication.
  void hold_writes();
  void release_writes();
  // Disconnects cleanly (no last will), waiting until `deadline` at most
  // for the DISCONNECT to be written.
  void stop(Clock::time_point deadline);

  static std::string error_text(int rc);
  // Settings the connection attempts showed to be wrong for good (a TLS
  // file that exists but does not load): what libmosquitto said; else "".
  const std::string& settings_error() const { return settings_error_; }

 private:
  void try_connect(Clock::time_point now);
  void set_up(short revents);
  void serve(short revents, Clock::time_point now);
  void retry_later(Clock::time_point now);
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
  bool attempted_ = false;  // a connect got under way once: later attempts are reconnects
  bool up_ = false;         // CONNACK accepted on the socket open now
  bool said_unreachable_ = false;
  bool corked_ = false;
  int failures_ = 0;        // attempts failed in a row: the next waits that many seconds (at most 10)
  Clock::time_point next_try_{};
  Clock::time_point next_misc_{};  // keepalive's next look
  std::set<std::string> said_;     // failures already shown since the last connection: each kind once
  std::string settings_error_;
};

}  // namespace espnow::gateway
