// The espnow command-line tool: each invocation is one device on an air.
#pragma once

#include <array>
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "espnow/api/espnow.hpp"
#include "espnow/host/open_radio.hpp"
#include "espnow/link/soft_link.hpp"

namespace espnow::cli {

struct GlobalOptions {
  std::string air;                 // URL; empty: ESPNOW_AIR or the default air
  std::string radio;               // a radio spec (host/open_radio.hpp); empty: ESPNOW_RADIO or the air
  std::string mac;                 // empty: ESPNOW_MAC or a random locally administered one
  int channel = 1;
  std::string position = "0,0";
  int rate = -1;                   // a RATE_* value; -1 keeps the default (1 Mbps)
  bool json = false;
  bool verbose = false;           // -v: each dropped frame and why
  int espnow_version = 0;         // 1 or 2; 0: $ESPNOW_VERSION, else 1
  std::string pmk;                // empty: ESP-IDF's default PMK
  std::vector<std::string> lmks;  // MAC=KEY: peers whose frames are encrypted with KEY
};

// Prints "espnow: MESSAGE" and a pointer to --help, and exits 2.
[[noreturn]] void usage_error(const std::string& message);

// --espnow-version, else $ESPNOW_VERSION, else 1 (exits 2 on a bad value).
int protocol_version(const GlobalOptions& g);
// The longest message of that version: 250 bytes, or 1470 for v2.
std::size_t max_message_len(const GlobalOptions& g);

// A 16-byte key: 32 hex digits, or 16 characters taken as they are.
bool parse_key(const std::string& text, std::array<std::uint8_t, 16>& key);
struct PeerKey {
  MacAddress mac;
  std::array<std::uint8_t, 16> lmk;
};
// --pmk and --lmk, checked: exits 2 naming the option when malformed.
std::array<std::uint8_t, 16> pmk_option(const GlobalOptions& g);
std::vector<PeerKey> lmk_options(const GlobalOptions& g);
// The LMK given for `mac`, if any.
const PeerKey* key_for(const std::vector<PeerKey>& keys, const MacAddress& mac);

// The device of this invocation: a radio (on the UDP air, or a Linux
// interface), SoftLink, ESPNow. Members are destroyed bottom-up.
struct Device {
  host::OpenedRadio opened;
  std::unique_ptr<SoftLink> link;
  std::unique_ptr<ESPNow> esp;
  std::vector<PeerKey> keys;  // from --lmk: registered as encrypted peers
  ESPNow& espnow() { return *esp; }
  MacAddress mac() const { return opened.radio->mac(Interface::sta); }
  const std::string& where() const { return opened.description; }
};

// --radio, else $ESPNOW_RADIO, else --air / $ESPNOW_AIR / the default air.
std::string radio_spec(const GlobalOptions& g);
// The radio alone (capture, bridge); on failure prints why and exits 1.
host::OpenedRadio open_radio_or_exit(const GlobalOptions& g, bool promiscuous);
// Opens the radio and the device; on failure prints why and exits 2 (usage)
// or 1 (the radio could not be opened).
Device open_device(const GlobalOptions& g);

// Set by SIGINT/SIGTERM: loops finish, print their summary, and exit 0
// (`espnow sim`, whose run has an end, prints what it counted so far and
// exits 128 + the signal's number).
extern std::atomic<bool> g_stop;
extern std::atomic<int> g_stop_signal;  // the signal that set g_stop
void install_signal_handlers();

// Whether `msg` reads as text: valid UTF-8 without control characters.
bool is_text(std::span<const std::uint8_t> msg);
// The message as text if is_text(), otherwise "hex:" and its hex digits.
std::string printable(std::span<const std::uint8_t> msg);
std::string hex(std::span<const std::uint8_t> msg);
std::string json_string(std::string_view s);
std::string timestamp();  // wall clock, HH:MM:SS.mmm

// "1 message", "2 messages".
std::string plural(std::uint64_t n, std::string_view singular, std::string_view plural_form);

// The frames a device drops (ESPNow::set_drop_observer): counted per sender
// and reason for the summary and, with -v or --json, printed as they happen.
// The observer runs on the radio's thread, so it only counts and queues, in
// fixed storage; the command's own thread prints.
class DropLog {
 public:
  DropLog(const GlobalOptions& g, ESPNow& e);
  ~DropLog();
  DropLog(const DropLog&) = delete;
  DropLog& operator=(const DropLog&) = delete;
  // The drops since the last call: -v, a line each on stderr; --json, an event each on stdout.
  void print_new();
  std::uint64_t total() const;
  // One line per sender: how many of its frames were dropped, and why (stderr).
  void print_summary() const;

 private:
  static void observe(void* self, DropReason reason, const MacAddress& src);
  struct Event {
    DropReason reason;
    MacAddress src;
  };
  struct SenderDrops {
    MacAddress mac;
    std::array<std::uint64_t, kDropReasons> by_reason{};
  };
  SenderDrops& sender_locked(const MacAddress& mac);

  const GlobalOptions& g_;
  ESPNow& e_;
  const bool print_each_;
  mutable std::mutex mutex_;
  std::array<Event, 256> queue_{};
  std::size_t queued_ = 0;
  std::uint64_t unprinted_ = 0;  // events the queue had no room for
  std::array<SenderDrops, 32> senders_{};
  std::size_t sender_count_ = 0;
  SenderDrops others_{};  // senders beyond the table's room
};

// A MAC argument: exits 2 naming the argument when malformed.
MacAddress parse_mac_arg(const std::string& what, const std::string& text);

int cmd_listen(const GlobalOptions& g);
struct SendOptions {
  std::string mac, message;
  int count = 1, interval_ms = 0;
  bool no_sync = false;
  bool hex = false;  // MESSAGE is hex digits, as listen prints binary ("hex:" may stay)
};
int cmd_send(const GlobalOptions& g, const SendOptions& o);
int cmd_echo(const GlobalOptions& g);
struct PingOptions {
  std::string mac;
  int count = -1, interval_ms = 1000, size = 32, timeout_ms = 1000;
};
int cmd_ping(const GlobalOptions& g, const PingOptions& o);
struct CaptureOptions {
  std::string write, read;
  long count = -1;
  double duration_s = -1;
  int channel = 0;  // 0: every channel
  bool only_espnow = false;  // -r: frames that are not ESP-NOW (beacons, data...) counted, not printed
};
int cmd_capture(const GlobalOptions& g, const CaptureOptions& o);
int cmd_bridge(const GlobalOptions& g);

}  // namespace espnow::cli
