#include "espnow/udp_air.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <random>

#include "espnow/fcs.hpp"
#include "espnow/frame.hpp"

namespace espnow {
namespace {

constexpr std::size_t kMaxDatagram = wire::kAirHeaderLen + wire::kMaxFrameSize;

std::string errno_text(const std::string& what) { return what + ": " + std::strerror(errno); }

bool parse_int(std::string_view s, long min, long max, long& out) {
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size() && out >= min && out <= max;
}

std::uint64_t random_id() {
  std::random_device rd;
  return (static_cast<std::uint64_t>(rd()) << 32 ^ rd() ^ static_cast<std::uint64_t>(::getpid()) << 16) & ~0xFFFFull;
}

// The IPv4 address of an interface given by name or as an address.
std::string interface_address(const std::string& iface, std::string& error) {
  if (iface.empty()) return "127.0.0.1";
  in_addr a{};
  if (inet_pton(AF_INET, iface.c_str(), &a) == 1) return iface;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return error = errno_text("listing interfaces"), "";
  std::string found;
  for (ifaddrs* i = list; i; i = i->ifa_next) {
    if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET && iface == i->ifa_name) {
      char buf[INET_ADDRSTRLEN];
      inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(i->ifa_addr)->sin_addr, buf, sizeof buf);
      found = buf;
      break;
    }
  }
  freeifaddrs(list);
  if (found.empty()) error = "iface: no interface '" + iface + "' with an IPv4 address";
  return found;
}

}  // namespace

// ------------------------------------------------------------------ URLs

std::string AirUrl::to_string() const {
  std::string s = "udp://" + group + ":" + std::to_string(port);
  if (!iface.empty()) s += "?iface=" + iface + "&ttl=" + std::to_string(ttl);
  else if (ttl != 0) s += "?ttl=" + std::to_string(ttl);
  return s;
}

AirUrlParse parse_air_url(std::string_view text) {
  AirUrlParse r;
  constexpr std::string_view scheme = "udp://";
  if (text.substr(0, scheme.size()) != scheme)
    return r.error = "scheme: expected an air URL like udp://239.255.0.1:47474, got '" + std::string(text) + "'", r;
  std::string_view rest = text.substr(scheme.size());
  std::string_view query;
  if (const auto q = rest.find('?'); q != std::string_view::npos) query = rest.substr(q + 1), rest = rest.substr(0, q);
  const auto colon = rest.rfind(':');
  if (colon == std::string_view::npos) return r.error = "port: missing (udp://GROUP:PORT)", r;
  r.url.group = std::string(rest.substr(0, colon));
  in_addr a{};
  if (inet_pton(AF_INET, r.url.group.c_str(), &a) != 1)
    return r.error = "group: '" + r.url.group + "' is not an IPv4 address", r;
  if ((ntohl(a.s_addr) >> 28) != 0xE)
    return r.error = "group: '" + r.url.group + "' is not a multicast address (224.0.0.0/4; use 239.255.x.y)", r;
  long port = 0;
  if (!parse_int(rest.substr(colon + 1), 1, 65535, port))
    return r.error = "port: '" + std::string(rest.substr(colon + 1)) + "' is not a port number (1-65535)", r;
  r.url.port = static_cast<std::uint16_t>(port);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view item = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    const auto eq = item.find('=');
    const std::string_view key = item.substr(0, eq);
    const std::string_view value = eq == std::string_view::npos ? std::string_view{} : item.substr(eq + 1);
    long ttl = 0;
    if (key == "iface" && !value.empty()) {
      r.url.iface = std::string(value);
    } else if (key == "ttl") {
      if (!parse_int(value, 0, 255, ttl)) return r.error = "ttl: '" + std::string(value) + "' is not 0-255", r;
      r.url.ttl = static_cast<int>(ttl);
    } else {
      return r.error = "query: unknown or empty parameter '" + std::string(item) + "' (expected iface=NAME, ttl=N)", r;
    }
  }
  return r;
}

AirUrlParse air_url_from_environment() {
  const char* env = std::getenv("ESPNOW_AIR");
  AirUrlParse r = parse_air_url(env && *env ? env : kDefaultAirUrl);
  if (!r.ok()) r.error = "ESPNOW_AIR: " + r.error;
  return r;
}

// -------------------------------------------------------------- UdpRadio

UdpRadio::UdpRadio(UdpAir& air, const RadioOptions& options, std::uint64_t id)
    : VirtualRadio(options),
      air_(air),
      id_(id),
      queue_(air.options().tx_queue_len,
             [this](std::span<std::uint8_t> frame, PhyRate rate) { run_transmission(frame, rate); }) {}

UdpRadio::~UdpRadio() { queue_.stop(); }

std::uint64_t UdpRadio::now_us() const {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - air_.start_).count());
}

void UdpRadio::set_listener(RadioListener* listener) {
  std::unique_lock lk(air_.mutex_);  // waits for running callbacks
  listener_ = listener;
}

std::error_code UdpRadio::transmit(std::span<const std::uint8_t> frame, PhyRate rate) {
  if (frame.size() < wire::kHeaderLen || frame.size() > wire::kMaxFrameSize) return errc::arg;
  return queue_.push(frame, rate);  // the transmitter thread waits for ACKs
}

void UdpRadio::run_transmission(std::span<std::uint8_t> frame, PhyRate rate) {
  const MacAddress dst = MacAddress::read(frame.data() + 4);
  const bool group = dst.is_multicast();
  const auto& o = air_.options();
  bool acked = false;
  for (int attempt = 0; attempt <= o.max_retries && !acked; ++attempt) {
    if (attempt > 0) wire::set_retry(frame, true);
    if (o.timing)
      std::this_thread::sleep_for(std::chrono::microseconds(kDifsUs + airtime_us(rate, static_cast<std::uint32_t>(frame.size()))));
    {
      std::lock_guard lk(ack_mutex_);
      waiting_for_ack_ = !group;
      acked_ = false;
    }
    air_.send_datagram(*this, id_, frame, rate);
    if (group) break;
    std::unique_lock lk(ack_mutex_);
    ack_cv_.wait_for(lk, o.ack_timeout, [this] { return acked_; });
    acked = acked_;
    waiting_for_ack_ = false;
  }
  std::shared_lock lk(air_.mutex_);
  if (listener_) listener_->on_tx_done(dst, group || acked);
}

void UdpRadio::ack_arrived() {
  {
    std::lock_guard lk(ack_mutex_);
    if (!waiting_for_ack_) return;  // late: an ACK counts only while awaited
    acked_ = true;
  }
  ack_cv_.notify_one();
}

// ---------------------------------------------------------------- UdpAir

UdpAir::UdpAir(const AirUrl& url, UdpAirOptions options)
    : url_(url), options_(options), loss_(options.seed ? options.seed : random_id() | 1, options.loss),
      process_id_(random_id()) {}

UdpAir::Opened UdpAir::open(const AirUrl& url, UdpAirOptions options) {
  Opened o;
  std::string error;
  const std::string address = interface_address(url.iface, error);
  if (!error.empty()) {
    o.error = error;
    return o;
  }
  std::unique_ptr<UdpAir> air(new UdpAir(url, options));
  o.error = air->start(address);
  if (o.error.empty()) o.air = std::move(air);
  return o;
}

std::string UdpAir::start(const std::string& iface_address) {
  socket_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (socket_ < 0) return errno_text("socket");
  const int one = 1;
  setsockopt(socket_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  setsockopt(socket_, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
  in_addr group{}, iface{};
  inet_pton(AF_INET, url_.group.c_str(), &group);
  inet_pton(AF_INET, iface_address.c_str(), &iface);
  group_addr_ = group.s_addr;
  sockaddr_in bind_addr{};
  bind_addr.sin_family = AF_INET;
  bind_addr.sin_port = htons(url_.port);
  bind_addr.sin_addr = group;  // only this group's datagrams, so airs on one port stay apart
  if (::bind(socket_, reinterpret_cast<sockaddr*>(&bind_addr), sizeof bind_addr) != 0)
    return errno_text("bind " + url_.to_string());
  ip_mreq mreq{group, iface};
  if (setsockopt(socket_, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq, sizeof mreq) != 0)
    return errno_text("join group " + url_.group + " on " + iface_address);
  const unsigned char ttl = static_cast<unsigned char>(url_.ttl), loop = 1;
  if (setsockopt(socket_, IPPROTO_IP, IP_MULTICAST_IF, &iface, sizeof iface) != 0)
    return errno_text("send through " + iface_address);
  setsockopt(socket_, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl);
  setsockopt(socket_, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof loop);
  const int buf = 4 << 20;
  setsockopt(socket_, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
  stop_fd_ = ::eventfd(0, EFD_CLOEXEC);
  if (stop_fd_ < 0) return errno_text("eventfd");
  receiver_ = std::thread([this] { receive_loop(); });
  return {};
}

UdpAir::~UdpAir() {
  if (receiver_.joinable()) {
    const std::uint64_t v = 1;
    (void)!::write(stop_fd_, &v, sizeof v);
    receiver_.join();
  }
  std::vector<std::unique_ptr<UdpRadio>> radios;
  {
    std::unique_lock lk(mutex_);
    radios.swap(radios_);
  }
  radios.clear();  // joins their transmitters
  if (socket_ >= 0) ::close(socket_);
  if (stop_fd_ >= 0) ::close(stop_fd_);
}

Result<UdpRadio*> UdpAir::add_radio(const RadioOptions& options) {
  if (auto ec = validate(options)) return ec;
  std::unique_lock lk(mutex_);
  const std::uint64_t id = process_id_ | (radios_.size() + 1);
  radios_.push_back(std::unique_ptr<UdpRadio>(new UdpRadio(*this, options, id)));
  return radios_.back().get();
}

void UdpAir::set_sniffer(std::function<void(const SniffedFrame&)> sniffer) {
  std::unique_lock lk(mutex_);
  sniffer_ = std::move(sniffer);
}

UdpAirStats UdpAir::stats() const {
  return {counters_.sent.load(),       counters_.received.load(),   counters_.malformed.load(),
          counters_.wrong_version.load(), counters_.bad_fcs.load(), counters_.deliveries.load(),
          counters_.lost.load(),       counters_.acks_sent.load(),  counters_.acks_received.load()};
}

bool UdpAir::send_datagram(const VirtualRadio& radio, std::uint64_t sender_id, std::span<const std::uint8_t> frame,
                           PhyRate rate) {
  return send_datagram(wire::AirHeader{radio.channel(), rate, static_cast<std::int8_t>(radio.tx_power()),
                                       radio.position(), sender_id},
                       frame);
}

bool UdpAir::relay(std::span<const std::uint8_t> frame, std::uint8_t channel, PhyRate rate) {
  constexpr std::uint64_t kRelayId = 0xFFFF;  // no radio of this process has it: radio ids count from 1
  return send_datagram(wire::AirHeader{channel, rate, 20, Position{}, process_id_ | kRelayId}, frame);
}

bool UdpAir::send_datagram(const wire::AirHeader& h, std::span<const std::uint8_t> frame) {
  std::array<std::uint8_t, kMaxDatagram> buf;
  const std::size_t n = wire::encode_air_datagram(h, frame, buf);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(url_.port);
  to.sin_addr.s_addr = group_addr_;
  const bool ok = ::sendto(socket_, buf.data(), n, 0, reinterpret_cast<sockaddr*>(&to), sizeof to) ==
                  static_cast<ssize_t>(n);
  if (ok) ++counters_.sent;
  return ok;
}

void UdpAir::receive_loop() {
  std::array<std::uint8_t, kMaxDatagram + 1> buf;
  pollfd fds[2] = {{socket_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
  for (;;) {
    if (::poll(fds, 2, -1) < 0 && errno != EINTR) return;
    if (fds[1].revents) return;
    if (!(fds[0].revents & POLLIN)) continue;
    const ssize_t n = ::recv(socket_, buf.data(), buf.size(), MSG_DONTWAIT);
    if (n < 0) continue;
    ++counters_.received;
    handle(std::span(buf).first(static_cast<std::size_t>(n)));
  }
}

// Anything may arrive on the group: it is checked, and dropped and counted
// when malformed, never trusted.
void UdpAir::handle(std::span<const std::uint8_t> datagram) {
  const wire::AirParse p = wire::parse_air_datagram(datagram);
  if (!p.ok()) {
    ++(p.error == wire::AirError::wrong_version ? counters_.wrong_version : counters_.malformed);
    return;
  }
  if (!wire::fcs_ok(p.frame)) {
    ++counters_.bad_fcs;
    return;
  }
  std::shared_lock lk(mutex_);
  if (sniffer_) {
    const bool own = (p.header.sender_id & ~0xFFFFull) == process_id_;
    sniffer_(SniffedFrame{p.frame, p.header.channel, p.header.rate, p.header.position, double(p.header.tx_power_dbm), own});
  }
  MacAddress ra;
  if (wire::parse_ack(p.frame, ra)) return handle_ack(ra, p.header.channel);
  if (p.frame.size() < wire::kHeaderLen + wire::kFcsLen) {
    ++counters_.malformed;
    return;
  }
  handle_frame(p.frame, p.header);
}

void UdpAir::handle_ack(const MacAddress& ra, std::uint8_t channel) {
  for (const auto& r : radios_) {
    if (r->channel() != channel || !r->owns(ra)) continue;
    ++counters_.acks_received;
    r->ack_arrived();
  }
}

// The in-process air's rules, applied to a frame from another radio.
void UdpAir::handle_frame(std::span<const std::uint8_t> frame, const wire::AirHeader& from) {
  const MacAddress dst = MacAddress::read(frame.data() + 4);
  const MacAddress src = MacAddress::read(frame.data() + 10);
  const bool group = dst.is_multicast();
  for (const auto& r : radios_) {
    if (r->id_ == from.sender_id || !r->listening()) continue;
    if (group ? !dst.is_broadcast() : !r->owns(dst)) continue;
    const int rssi = rssi_dbm(options_.path_loss, from.position, r->position(), from.tx_power_dbm);
    if (reception(from.channel, r->channel(), from.rate, r->long_range(), rssi) != Reception::heard) continue;
    if (loss_.lose(src, r->mac(Interface::sta))) {
      ++counters_.lost;
      continue;
    }
    ++counters_.deliveries;
    if (r->listener_) r->listener_->on_frame(frame, RxInfo{static_cast<std::int8_t>(rssi), from.channel, from.rate, r->now_us()});
    if (group) continue;
    if (loss_.lose(r->mac(Interface::sta), src)) {
      ++counters_.lost;
      return;
    }
    std::array<std::uint8_t, wire::kAckFrameLen> ack;
    wire::encode_ack(src, ack);
    if (send_datagram(*r, r->id_, ack, ack_rate(from.rate))) ++counters_.acks_sent;
    return;
  }
}

}  // namespace espnow
