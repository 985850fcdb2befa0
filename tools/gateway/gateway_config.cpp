// The config file (NAME = VALUE lines) and the checks that turn the
// gateway's options into settings. Every mistake exits 2 and names itself.
#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "../cli.hpp"
#include "gateway_options.hpp"

namespace espnow::gateway {
namespace {

std::string trim(std::string s) {
  const auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

std::string first_line_of(const std::string& path, const std::string& what) {
  std::ifstream in(path);
  std::string line;
  if (!in) cli::usage_error(what + ": cannot read '" + path + "': " + std::strerror(errno));
  if (!std::getline(in, line)) cli::usage_error(what + ": '" + path + "' is empty");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

// A '#' at a line's start, or after blank space, starts a comment (so
// `stats-interval = 30   # seconds` means 30). A value holding " #" (a
// password) goes to --mqtt-password-file or $ESPNOW_MQTT_PASSWORD instead.
std::string without_comment(const std::string& line) {
  for (std::size_t i = 0; i < line.size(); ++i)
    if (line[i] == '#' && (i == 0 || std::isspace(static_cast<unsigned char>(line[i - 1])))) return line.substr(0, i);
  return line;
}

// "lmk = MAC KEY" as the command line's MAC=KEY, checked here so that a
// mistake names its line.
std::string lmk_line(const std::string& where, const std::string& value) {
  const auto space = value.find_first_of(" \t");
  if (space == std::string::npos) cli::usage_error(where + "expected lmk = MAC KEY");
  const std::string mac = value.substr(0, space), key = trim(value.substr(space));
  std::array<std::uint8_t, 16> bytes{};
  const auto parsed = MacAddress::parse(mac);
  if (!parsed || parsed->is_multicast()) cli::usage_error(where + "lmk: '" + mac + "' is not a unicast MAC");
  if (!cli::parse_key(key, bytes)) cli::usage_error(where + "lmk: the key is not 32 hex digits or 16 characters");
  return to_string(*parsed) + "=" + key;
}

// Lines "NAME = VALUE" (comments: see without_comment). NAME is an
// option's name (dashes or underscores), or one of the file-only names:
// password, pmk, lmk. A setting given twice is a mistake (which would win
// is a guess), except lmk, decoder and decode, one per peer or name.
void read_config_file(GatewayOptions& o) {
  std::ifstream in(o.config);
  if (!in) cli::usage_error("--config: cannot read '" + o.config + "'");
  std::map<std::string, int> set_at;  // name -> the line that set it
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    line = trim(without_comment(line));
    if (line.empty()) continue;
    const std::string where = o.config + ":" + std::to_string(number) + ": ";
    const auto eq = line.find('=');
    if (eq == std::string::npos) cli::usage_error(where + "expected NAME = VALUE, got '" + line + "'");
    std::string name = trim(line.substr(0, eq));
    const std::string value = trim(line.substr(eq + 1));
    if (name.starts_with("decoder ") || name.starts_with("decoder\t")) {  // "decoder NAME = LAYOUT"
      o.decoders.push_back({trim(name.substr(8)), {where, value}});
      continue;
    }
    if (name == "decode") {
      o.decodes.push_back({where, value});
      continue;
    }
    std::replace(name.begin(), name.end(), '_', '-');
    if (name == "lmk") {
      o.lmks.push_back(lmk_line(where, value));
      continue;
    }
    if (name != "password" && name != "pmk" && !o.values.contains(name))
      cli::usage_error(where + "unknown setting '" + name + "'");
    if (const auto [at, first] = set_at.emplace(name, number); !first)
      cli::usage_error(where + "'" + name + "' is set twice (first on line " + std::to_string(at->second) + ")");
    if (std::array<std::uint8_t, 16> key{}; name == "pmk" && !cli::parse_key(value, key))
      cli::usage_error(where + "pmk: expected 32 hex digits or 16 characters");
    std::string& slot = o.values[name];
    if (!slot.empty()) continue;  // the command line wins
    slot = value;
    o.from_file[name] = where;
  }
}

// `label` names where a value came from: "--qos", or "FILE:LINE: qos".
MacAllowList parse_allow_list(const std::string& label, const std::string& text, bool default_all) {
  MacAllowList list;
  if (text.empty()) return list.all = default_all, list;
  if (text == "all") return list.all = true, list;
  if (text == "none") return list;
  std::stringstream items(text);
  for (std::string item; std::getline(items, item, ',');) {
    const auto mac = MacAddress::parse(trim(item));
    if (!mac) cli::usage_error(label + ": '" + trim(item) + "' is not a MAC (aa:bb:cc:dd:ee:ff or aabbccddeeff)");
    list.macs.push_back(*mac);
  }
  return list;
}

long integer(const std::string& label, const std::string& text, long lo, long hi) {
  char* end = nullptr;
  const long v = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end || v < lo || v > hi)
    cli::usage_error(label + ": '" + text + "' is not a whole number from " + std::to_string(lo) + " to " +
                     std::to_string(hi));
  return v;
}

double seconds(const std::string& label, const std::string& text) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end || !(v >= 0) || !std::isfinite(v))
    cli::usage_error(label + ": '" + text + "' is not a number of seconds");
  return v;
}

// mqtt://HOST[:PORT] or mqtts://...; HOST a name, an IPv4 address or an
// IPv6 one in brackets ([::1]).
void parse_broker_url(const std::string& label, const std::string& url, GatewaySettings& s) {
  std::string rest;
  if (url.starts_with("mqtt://")) rest = url.substr(7), s.port = 1883;
  else if (url.starts_with("mqtts://")) rest = url.substr(8), s.port = 8883, s.tls = true;
  else cli::usage_error(label + ": '" + url + "' is not mqtt://HOST[:PORT] or mqtts://HOST[:PORT]");
  if (rest.find('@') != std::string::npos)  // not echoed: it may hold a password
    cli::usage_error(label + ": a user name or password in the URL is not taken (it would show in ps and logs); "
                     "use --mqtt-username and --mqtt-password-file (or $ESPNOW_MQTT_USERNAME, $ESPNOW_MQTT_PASSWORD)");
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  if (rest.find('/') != std::string::npos) cli::usage_error(label + ": '" + url + "' has a path; expected mqtt://HOST[:PORT]");
  std::optional<std::string> port;
  if (rest.starts_with('[')) {
    const auto close = rest.find(']');
    if (close == std::string::npos || (close + 1 < rest.size() && rest[close + 1] != ':'))
      cli::usage_error(label + ": '" + url + "': an IPv6 address is written [ADDRESS]:PORT, e.g. mqtt://[::1]:1883");
    if (close + 1 < rest.size()) port = rest.substr(close + 2);
    rest = rest.substr(1, close - 1);
  } else if (const auto colon = rest.find(':'); colon != std::string::npos) {
    if (rest.find(':', colon + 1) != std::string::npos)
      cli::usage_error(label + ": '" + url + "': an IPv6 address goes in brackets, e.g. mqtt://[::1]:1883");
    port = rest.substr(colon + 1);
    rest.resize(colon);
  }
  if (port) s.port = static_cast<int>(integer(label + ": port", *port, 1, 65535));
  if (rest.empty()) cli::usage_error(label + ": '" + url + "' names no host");
  s.host = rest;
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

// The decoders and which sender each applies to; a mistake names its line.
void resolve_decoders(const GatewayOptions& o, GatewaySettings& s) {
  std::map<std::string, Decoder> named;
  for (const auto& [name, line] : o.decoders) {
    std::string error;
    auto d = parse_decoder(name, line.text, error);
    if (!d) cli::usage_error(line.where + "decoder " + name + ": " + error);
    named[name] = std::move(*d);
  }
  for (const GatewayOptions::Line& line : o.decodes) {
    const auto space = line.text.find_first_of(" \t");
    const std::string who = line.text.substr(0, space);
    const std::string name = space == std::string::npos ? "" : trim(line.text.substr(space));
    const auto it = named.find(name);
    if (it == named.end()) cli::usage_error(line.where + "decode = MAC|all NAME: no decoder named '" + name + "'");
    if (who == "all") {
      s.decoder_for_all = it->second;
    } else if (const auto mac = MacAddress::parse(who)) {
      s.decoders[*mac] = it->second;
    } else {
      cli::usage_error(line.where + "decode: '" + who + "' is not a MAC or all");
    }
  }
}

}  // namespace

bool MacAllowList::allows(const MacAddress& mac) const {
  return all || std::find(macs.begin(), macs.end(), mac) != macs.end();
}

std::string MacAllowList::describe() const {
  if (all) return "all";
  if (macs.empty()) return "none";
  std::string s;
  for (const MacAddress& m : macs) s += (s.empty() ? "" : ",") + to_string(m);
  return s;
}

// "on" for an option that is a flag on the command line (--ha-discovery),
// as a config file says it; "" for off; anything else as it is.
std::string flag_value(const std::string& text, const std::string& on) {
  static const char* const kOn[] = {"true", "yes", "on"};
  static const char* const kOff[] = {"false", "no", "off"};
  if (std::find(std::begin(kOn), std::end(kOn), text) != std::end(kOn)) return on;
  if (std::find(std::begin(kOff), std::end(kOff), text) != std::end(kOff)) return "";
  return text;
}

GatewaySettings resolve_settings(GatewayOptions o) {
  if (!o.config.empty()) read_config_file(o);
  const auto get = [&](const std::string& name) { return o.values[name]; };
  // Where a mistake is: the file's line, or the option.
  const auto label = [&](const std::string& name) {
    const auto it = o.from_file.find(name);
    return it != o.from_file.end() ? it->second + name : "--" + name;
  };
  GatewaySettings s;
  parse_broker_url(label("mqtt"), get("mqtt").empty() ? "mqtt://127.0.0.1:1883" : get("mqtt"), s);
  s.cafile = get("mqtt-cafile"), s.certfile = get("mqtt-cert"), s.keyfile = get("mqtt-key");
  if (!s.tls && !(s.cafile + s.certfile + s.keyfile).empty())
    cli::usage_error("--mqtt-cafile/--mqtt-cert/--mqtt-key need an mqtts:// broker");
  if (s.tls && s.cafile.empty()) cli::usage_error(label("mqtt") + ": mqtts:// needs --mqtt-cafile (the CA to trust)");
  if (s.certfile.empty() != s.keyfile.empty()) cli::usage_error("--mqtt-cert and --mqtt-key go together");
  const std::string version = get("mqtt-version");
  if (version == "5") s.mqtt_version = 5;
  else if (!version.empty() && version != "3.1.1") cli::usage_error(label("mqtt-version") + ": '" + version + "' is not 3.1.1 or 5");
  s.username = !get("mqtt-username").empty() ? get("mqtt-username") : env("ESPNOW_MQTT_USERNAME");
  if (!get("mqtt-password-file").empty()) s.password = first_line_of(get("mqtt-password-file"), label("mqtt-password-file"));
  else if (!get("password").empty()) s.password = get("password");
  else s.password = env("ESPNOW_MQTT_PASSWORD");
  if (!s.password.empty() && s.username.empty())
    cli::usage_error("a password was given but no user name (--mqtt-username or $ESPNOW_MQTT_USERNAME)");
  s.client_id = get("client-id");
  if (!get("keepalive").empty()) s.keepalive_s = static_cast<int>(integer(label("keepalive"), get("keepalive"), 5, 65535));
  if (!get("prefix").empty()) s.prefix = get("prefix");
  if (s.prefix.find_first_of("+#") != std::string::npos) cli::usage_error(label("prefix") + ": '+' and '#' are not allowed in topics");
  s.id = get("id");
  if (s.id.find_first_of("/+#") != std::string::npos) cli::usage_error(label("id") + ": '/', '+' and '#' are not allowed");
  if (!get("qos").empty()) s.qos = static_cast<int>(integer(label("qos"), get("qos"), 0, 2));
  s.allow_rx = parse_allow_list(label("allow-rx"), get("allow-rx"), true);
  s.allow_tx = parse_allow_list(label("allow-tx"), get("allow-tx"), false);
  if (!get("queue").empty()) s.queue_max = static_cast<std::size_t>(integer(label("queue"), get("queue"), 1, 100000000));
  if (!get("queue-age").empty()) {  // 0: no age limit, as --stats-interval's 0 is never
    s.queue_age_s = seconds(label("queue-age"), get("queue-age"));
    if (s.queue_age_s == 0) s.queue_age_s = std::numeric_limits<double>::infinity();
  }
  if (!get("stats-interval").empty()) s.stats_interval_s = seconds(label("stats-interval"), get("stats-interval"));
  s.lmks = o.lmks;
  s.pmk = get("pmk");
  s.ha_prefix = flag_value(get("ha-discovery"), "homeassistant");
  if (s.ha_prefix.find_first_of("+#") != std::string::npos) cli::usage_error(label("ha-discovery") + ": '+' and '#' are not allowed in topics");
  s.spool_dir = get("spool");
  if (const std::string p = get("protocol"); p == "esp-now-component") {
    s.component_all = true;
  } else if (p.starts_with("esp-now-component=")) {
    s.component_senders = parse_allow_list(label("protocol"), p.substr(18), false).macs;
  } else if (!p.empty() && p != "raw") {
    cli::usage_error(label("protocol") + ": '" + p + "' is not raw, esp-now-component or esp-now-component=MAC,...");
  }
  resolve_decoders(o, s);
  return s;
}

}  // namespace espnow::gateway
