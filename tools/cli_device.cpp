#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>
#include <sys/time.h>

#include "cli.hpp"

namespace espnow::cli {

std::atomic<bool> g_stop{false};
std::atomic<int> g_stop_signal{0};

void install_signal_handlers() {
  struct sigaction sa{};
  sa.sa_handler = [](int signal) {
    g_stop_signal = signal;
    g_stop = true;
  };
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

[[noreturn]] void usage_error(const std::string& message) {
  std::fprintf(stderr, "espnow: %s\nRun with --help for usage.\n", message.c_str());
  std::exit(2);
}

MacAddress parse_mac_arg(const std::string& what, const std::string& text) {
  const MacParseResult r = MacAddress::parse(text);
  if (!r) usage_error(what + ": '" + text + "' is not a MAC address: " + std::string(to_string(r.error)));
  return r.mac;
}

static MacAddress random_local_mac() {
  std::random_device rd;
  MacAddress m;
  for (auto& b : m.bytes) b = static_cast<std::uint8_t>(rd());
  m.bytes[0] = static_cast<std::uint8_t>((m.bytes[0] & 0xFC) | 0x02);  // locally administered, unicast
  return m;
}

static Position parse_position(const std::string& text) {
  const auto comma = text.find(',');
  char* end = nullptr;
  Position p{};
  if (comma != std::string::npos) {
    p.x = std::strtod(text.c_str(), &end);
    if (end == text.c_str() + comma) {
      p.y = std::strtod(text.c_str() + comma + 1, &end);
      if (*end == '\0' && comma + 1 < text.size()) return p;
    }
  }
  usage_error("--position: '" + text + "' is not x,y in metres (e.g. 3.5,-2)");
}

// --mac, else ESPNOW_MAC; nothing when neither is given.
static std::optional<MacAddress> mac_option(const GlobalOptions& g) {
  const char* env_mac = std::getenv("ESPNOW_MAC");
  if (!g.mac.empty()) return parse_mac_arg("--mac", g.mac);
  if (env_mac && *env_mac) return parse_mac_arg("ESPNOW_MAC", env_mac);
  return std::nullopt;
}

std::string radio_spec(const GlobalOptions& g) {
  if (!g.radio.empty()) return g.radio;
  if (!g.air.empty()) return g.air;
  const char* env = std::getenv("ESPNOW_RADIO");
  return env && *env ? env : "udp";
}

static host::OpenRadioOptions radio_options(const GlobalOptions& g, bool promiscuous) {
  host::OpenRadioOptions o;
  o.mac = mac_option(g);
  const std::string spec = radio_spec(g);
  if (!o.mac && (spec == "udp" || spec.starts_with("udp://"))) o.mac = random_local_mac();
  if (o.mac && o.mac->is_multicast()) usage_error("--mac: " + std::string(o.mac->to_text().view()) +
                                                  " is a group (multicast) address; a device's MAC must be unicast");
  if (!is_valid_channel(g.channel)) usage_error("--channel: " + std::to_string(g.channel) + " is not a channel (1-14)");
  o.channel = static_cast<std::uint8_t>(g.channel);
  o.position = parse_position(g.position);
  if (g.rate >= 0 && (g.rate > 255 || !rate_info(static_cast<std::uint8_t>(g.rate))))
    usage_error("--rate: " + std::to_string(g.rate) + " is not a RATE_* value (0=1M, 1=2M, 2=5M, 3=11M, 11=6M, 10=12M, 9=24M, 12=54M, 41=LR250K, 42=LR500K)");
  o.long_range = g.rate == static_cast<int>(PhyRate::lora_250k) || g.rate == static_cast<int>(PhyRate::lora_500k);
  o.promiscuous = promiscuous;
  return o;
}

host::OpenedRadio open_radio_or_exit(const GlobalOptions& g, bool promiscuous) {
  const std::string spec = radio_spec(g);
  // An air URL (--air, or ESPNOW_AIR behind "udp") that does not parse is a usage error, named.
  if (spec == "udp" || spec == g.air) {
    const Result<AirUrl> url = spec == "udp" ? air_url_from_environment() : parse_air_url(spec);
    if (!url.ok()) usage_error("--air: " + std::string(url.detail()));
  }
  Result<host::OpenedRadio> opened = host::open_radio(spec, radio_options(g, promiscuous));
  if (opened.error() == host::host_errc::bad_spec) usage_error("--radio: " + std::string(opened.detail()));
  if (!opened.ok()) {
    std::fprintf(stderr, "espnow: %s\n", std::string(opened.detail()).c_str());
    std::exit(1);
  }
  return std::move(opened).value();
}

Device open_device(const GlobalOptions& g) {
  Device d;
  d.opened = open_radio_or_exit(g, false);
  d.link = std::make_unique<SoftLink>(*d.opened.radio, SoftLinkOptions{});
  d.esp = std::make_unique<ESPNow>(*d.link);
  if (auto r = d.espnow().config({.version = protocol_version(g)}); !r.ok())
    usage_error("--espnow-version: this link cannot change it: " + r.failure().message());
  // A board's 526 bytes hold two messages; a host process is descheduled now
  // and then on a loaded machine, and its messages, ACKed by the radio, were
  // dropped as buffer_full meanwhile. 1 MiB rides that out.
  (void)d.espnow().config({.rxbuf = 1 << 20});
  (void)d.espnow().active(true);
  if (g.rate >= 0) (void)d.espnow().config({.rate = g.rate});
  const auto pmk = pmk_option(g);
  (void)d.espnow().set_pmk(pmk);
  d.keys = lmk_options(g);
  if (static_cast<int>(d.keys.size()) > MAX_ENCRYPT_PEER_NUM)
    usage_error("--lmk: " + std::to_string(d.keys.size()) + " keys given; at most " +
                std::to_string(MAX_ENCRYPT_PEER_NUM) + " peers can be encrypted (ESP-NOW's limit)");
  for (const PeerKey& k : d.keys)  // encrypted peers: their frames decrypt, ours to them encrypt
    if (auto r = d.espnow().add_peer(k.mac, {.lmk = k.lmk}); !r.ok())
      usage_error("--lmk " + std::string(k.mac.to_text().view()) + ": " + r.failure().message());
  return d;
}

bool parse_key(const std::string& text, std::array<std::uint8_t, 16>& key) {
  if (text.size() == 16) return std::copy(text.begin(), text.end(), key.begin()), true;
  if (text.size() != 32) return false;
  for (std::size_t i = 0; i < 16; ++i) {
    const auto byte = text.substr(2 * i, 2);
    if (byte.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) return false;
    key[i] = static_cast<std::uint8_t>(std::stoul(byte, nullptr, 16));
  }
  return true;
}

std::array<std::uint8_t, 16> pmk_option(const GlobalOptions& g) {
  std::array<std::uint8_t, 16> pmk;
  std::copy(std::begin(kDefaultPmk), std::end(kDefaultPmk) - 1, pmk.begin());
  if (!g.pmk.empty() && !parse_key(g.pmk, pmk)) usage_error("--pmk: expected 32 hex digits or 16 characters");
  return pmk;
}

std::vector<PeerKey> lmk_options(const GlobalOptions& g) {
  std::vector<PeerKey> keys;
  for (const std::string& item : g.lmks) {
    const auto eq = item.find('=');
    PeerKey k{};
    if (eq == std::string::npos || !parse_key(item.substr(eq + 1), k.lmk))
      usage_error("--lmk: '" + item + "' is not MAC=KEY (KEY: 32 hex digits or 16 characters)");
    k.mac = parse_mac_arg("--lmk", item.substr(0, eq));
    const std::string mac_text(k.mac.to_text().view());
    if (k.mac.is_multicast())
      usage_error("--lmk " + mac_text + ": a group (broadcast or multicast) address cannot be encrypted; "
                  "ESP-NOW encrypts only unicast peers");
    if (key_for(keys, k.mac)) usage_error("--lmk " + mac_text + ": given twice");
    keys.push_back(k);
  }
  return keys;
}

const PeerKey* key_for(const std::vector<PeerKey>& keys, const MacAddress& mac) {
  for (const PeerKey& k : keys)
    if (k.mac == mac) return &k;
  return nullptr;
}

std::string hex(std::span<const std::uint8_t> msg) {
  static const char digits[] = "0123456789abcdef";
  std::string s;
  for (auto b : msg) s += digits[b >> 4], s += digits[b & 15];
  return s;
}

int protocol_version(const GlobalOptions& g) {
  if (g.espnow_version) return g.espnow_version;  // CLI11 checked it is 1 or 2
  const char* env = std::getenv("ESPNOW_VERSION");
  if (!env || !*env) return 1;
  const std::string v = env;
  if (v != "1" && v != "2") usage_error("ESPNOW_VERSION: '" + v + "' is not an ESP-NOW version (1 or 2)");
  return v[0] - '0';
}

std::size_t max_message_len(const GlobalOptions& g) {
  return protocol_version(g) == 2 ? MAX_DATA_LEN_V2 : MAX_DATA_LEN;
}

// The length of the UTF-8 sequence at the start of `s` encoding a code point
// that is not a control character; 0 if there is none.
static std::size_t text_char_len(std::span<const std::uint8_t> s) {
  const std::uint8_t b = s[0];
  if (b < 0x80) return b >= 0x20 && b != 0x7f ? 1 : 0;
  const std::size_t n = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 ? 2 : 0;
  if (n == 0 || b > 0xf4 || s.size() < n) return 0;
  std::uint32_t cp = b & (0x7f >> n);
  for (std::size_t i = 1; i < n; ++i) {
    if ((s[i] & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (s[i] & 0x3f);
  }
  const std::uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < least[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;  // overlong, too big, surrogate
  return cp >= 0x80 && cp <= 0x9f ? 0 : n;  // C1 controls
}

bool is_text(std::span<const std::uint8_t> msg) {
  for (std::size_t i = 0; i < msg.size();) {
    const std::size_t n = text_char_len(msg.subspan(i));
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string printable(std::span<const std::uint8_t> msg) {
  return is_text(msg) ? std::string(msg.begin(), msg.end()) : "hex:" + hex(msg);
}

std::string plural(std::uint64_t n, std::string_view singular, std::string_view plural_form) {
  return std::to_string(n) + " " + std::string(n == 1 ? singular : plural_form);
}

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\', out += c;
    else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else out += c;
  }
  return out + "\"";
}

std::string timestamp() {
  timeval tv{};
  gettimeofday(&tv, nullptr);
  tm t{};
  localtime_r(&tv.tv_sec, &t);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02d:%02d:%02d.%03ld", t.tm_hour, t.tm_min, t.tm_sec, long(tv.tv_usec / 1000));
  return buf;
}

}  // namespace espnow::cli
