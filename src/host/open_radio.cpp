#include "espnow/host/open_radio.hpp"

#include <cstdlib>

namespace espnow::host {
namespace {

Error bad_spec(std::string why) { return Error(host_errc::bad_spec, std::move(why)); }

Result<OpenedRadio> open_udp(const Result<AirUrl>& url, const OpenRadioOptions& o) {
  if (!url.ok()) return bad_spec("air URL: " + std::string(url.detail()));
  if (!o.mac) return Error(std::errc::invalid_argument, "a radio on the simulated air needs a MAC");
  auto opened = UdpAir::open(*url);
  if (!opened.ok())
    return Error(opened.error(), "cannot open the air " + url->to_string() + ": " + std::string(opened.detail()));
  auto added = (*opened)->add_radio({.mac = *o.mac, .channel = o.channel, .position = o.position,
                                     .long_range = o.long_range});
  if (!added.ok()) return Error(added.error(), "the air refused the radio: a group MAC or a bad channel");
  OpenedRadio r;
  r.air = std::move(opened).value();
  r.radio = r.udp_radio = *added;
  r.description = r.air->url().to_string();
  return r;
}

Result<OpenedRadio> open_linux(std::string_view prefix, std::string_view source, LinuxRadioMode mode,
                               const OpenRadioOptions& o) {
  if (source.empty()) return bad_spec(std::string(prefix) + " needs a name after the colon, e.g. linux:wlan1");
  auto opened = LinuxRadio::open(
      {.source = std::string(source), .mode = mode, .mac = o.mac, .channel = o.channel, .promiscuous = o.promiscuous, .warn = {}});
  if (!opened.ok())
    return Error(opened.error(), std::string(prefix) + std::string(source) + ": " + std::string(opened.detail()));
  OpenedRadio r;
  r.linux_radio = std::move(opened).value();
  r.radio = r.linux_radio.get();
  r.description = std::string(prefix) + std::string(source);
  return r;
}

}  // namespace

Result<OpenedRadio> open_radio(std::string_view spec, const OpenRadioOptions& options) {
  struct Scheme {
    std::string_view prefix;
    LinuxRadioMode mode;
  };
  static constexpr Scheme kLinux[] = {{"linux:", LinuxRadioMode::monitor},
                                      {"linux-test:", LinuxRadioMode::veth_test},
                                      {"linux-replay:", LinuxRadioMode::replay}};
  for (const Scheme& s : kLinux)
    if (spec.starts_with(s.prefix)) return open_linux(s.prefix, spec.substr(s.prefix.size()), s.mode, options);
  if (spec == "udp") return open_udp(air_url_from_environment(), options);
  if (spec.starts_with("udp://")) return open_udp(parse_air_url(spec), options);
  return bad_spec("radio '" + std::string(spec) +
                 "': expected linux:IFACE, linux-test:IFACE (veth test transport), linux-replay:FILE, udp or udp://GROUP:PORT");
}

Result<OpenedRadio> open_radio_from_environment(const OpenRadioOptions& options) {
  const char* spec = std::getenv("ESPNOW_RADIO");
  return open_radio(spec && *spec ? spec : "udp", options);
}

}  // namespace espnow::host
