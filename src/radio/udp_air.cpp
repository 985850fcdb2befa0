#include "espnow/radio/udp_air.hpp"

#include <arpa/inet.h>
#include <linux/filter.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <algorithm>
#include <cstdio>
#include <random>

#include "espnow/wire/fcs.hpp"
#include "espnow/wire/frame.hpp"
#include "espnow/common/library_thread.hpp"

namespace espnow {
namespace {

constexpr std::size_t kMaxDatagram = wire::kAirHeaderLen + wire::kMaxFrameSize;
constexpr std::size_t kMaxReceive = 65536;  // a presence datagram of many radios is larger than a frame's
constexpr std::size_t kReceiveBatch = 16;    // datagrams read per wake-up of the receive thread
constexpr std::uint64_t kRadioBits = 0xFFFF;  // a sender id's low bits name the radio, the rest the process
constexpr auto kStatePoll = std::chrono::milliseconds(20);  // how often radio state changes are looked for

using Steady = std::chrono::steady_clock;

std::int64_t ns_of(Steady::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

// Serial-number order: `a` comes after `b` (32-bit numbers that wrap).
std::int32_t serial_diff(std::uint32_t a, std::uint32_t b) { return static_cast<std::int32_t>(a - b); }

wire::RadioPresence snapshot(const AirRadio& r, std::uint64_t id) {
  return {id, r.mac(Interface::sta), r.mac(Interface::ap), r.interface_active(Interface::sta),
          r.interface_active(Interface::ap), r.long_range(), r.channel(), r.position()};
}

std::uint64_t fingerprint(const wire::RadioPresence& e) {
  std::uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a over the announced fields
  auto mix = [&h](const void* p, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) h = (h ^ static_cast<const std::uint8_t*>(p)[i]) * 0x100000001b3ull;
  };
  mix(e.sta.bytes.data(), 6);
  mix(e.ap.bytes.data(), 6);
  const std::uint8_t flags[4] = {e.sta_active, e.ap_active, e.long_range, e.channel};
  mix(flags, sizeof flags);
  mix(&e.position.x, sizeof e.position.x);
  mix(&e.position.y, sizeof e.position.y);
  return h | 1;  // never 0, which stands for "not announced yet"
}

bool same_presence(const wire::Presence& a, const wire::Presence& b) {
  if (a.bridged_channels != b.bridged_channels || a.radios.size() != b.radios.size()) return false;
  for (std::size_t i = 0; i < a.radios.size(); ++i)
    if (a.radios[i].id != b.radios[i].id || fingerprint(a.radios[i]) != fingerprint(b.radios[i])) return false;
  return true;
}

// errno as an Error whose detail says what was being done.
Error errno_error(const std::string& what) {
  const int e = errno;
  return Error(std::error_code(e, std::system_category()), what + ": " + std::strerror(e));
}

bool parse_int(std::string_view s, long min, long max, long& out) {
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size() && out >= min && out <= max;
}

std::uint64_t random_id() {
  std::random_device rd;
  return (static_cast<std::uint64_t>(rd()) << 32 ^ rd() ^ static_cast<std::uint64_t>(::getpid()) << 16) & ~0xFFFFull;
}

// The IPv4 address of an interface given by name or as an address.
Result<std::string> interface_address(const std::string& iface) {
  if (iface.empty()) return std::string("127.0.0.1");
  in_addr a{};
  if (inet_pton(AF_INET, iface.c_str(), &a) == 1) return iface;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return errno_error("listing interfaces");
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
  if (found.empty()) return Error(std::errc::no_such_device, "iface: no interface '" + iface + "' with an IPv4 address");
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

namespace {
Error bad_url(std::string why) { return Error(std::errc::invalid_argument, std::move(why)); }
}  // namespace

Result<AirUrl> parse_air_url(std::string_view text) {
  AirUrl url;
  constexpr std::string_view scheme = "udp://";
  if (text.substr(0, scheme.size()) != scheme)
    return bad_url("scheme: expected an air URL like udp://239.255.0.1:47474, got '" + std::string(text) + "'");
  std::string_view rest = text.substr(scheme.size());
  std::string_view query;
  if (const auto q = rest.find('?'); q != std::string_view::npos) query = rest.substr(q + 1), rest = rest.substr(0, q);
  const auto colon = rest.rfind(':');
  if (colon == std::string_view::npos) return bad_url("port: missing (udp://GROUP:PORT)");
  url.group = std::string(rest.substr(0, colon));
  in_addr a{};
  if (inet_pton(AF_INET, url.group.c_str(), &a) != 1)
    return bad_url("group: '" + url.group + "' is not an IPv4 address");
  if ((ntohl(a.s_addr) >> 28) != 0xE)
    return bad_url("group: '" + url.group + "' is not a multicast address (224.0.0.0/4; use 239.255.x.y)");
  long port = 0;
  if (!parse_int(rest.substr(colon + 1), 1, 65535, port))
    return bad_url("port: '" + std::string(rest.substr(colon + 1)) + "' is not a port number (1-65535)");
  url.port = static_cast<std::uint16_t>(port);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view item = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    const auto eq = item.find('=');
    const std::string_view key = item.substr(0, eq);
    const std::string_view value = eq == std::string_view::npos ? std::string_view{} : item.substr(eq + 1);
    long ttl = 0;
    if (key == "iface" && !value.empty()) {
      url.iface = std::string(value);
    } else if (key == "ttl") {
      if (!parse_int(value, 0, 255, ttl)) return bad_url("ttl: '" + std::string(value) + "' is not 0-255");
      url.ttl = static_cast<int>(ttl);
    } else {
      return bad_url("query: unknown or empty parameter '" + std::string(item) + "' (expected iface=NAME, ttl=N)");
    }
  }
  return url;
}

Result<AirUrl> air_url_from_environment() {
  const char* env = std::getenv("ESPNOW_AIR");
  Result<AirUrl> r = parse_air_url(env && *env ? env : kDefaultAirUrl);
  if (!r.ok()) return Error(r.error(), "ESPNOW_AIR: " + std::string(r.detail()));
  return r;
}

// -------------------------------------------------------------- UdpRadio

namespace {

TxMachine::Time machine_time(Steady::time_point t) { return t.time_since_epoch(); }

Steady::time_point steady_time(TxMachine::Time t) { return Steady::time_point(t); }

TxMachineOptions machine_options(const UdpAirOptions& o) {
  // A chip sends a destination's frames one at a time; here later frames to
  // the same destination may go ahead (the window), and the receivers take
  // them in order by their stream numbers.
  TxMachineOptions m;
  m.max_retries = o.max_retries;
  m.ack_timeout = o.ack_timeout;
  m.absent_ack_wait = o.absent_ack_wait;
  m.window = o.window;
  m.streams = true;
  m.timing = o.timing;
  return m;
}

}  // namespace

UdpRadio::UdpRadio(UdpAir& air, const RadioOptions& options, std::uint64_t id)
    : AirRadio(options),
      air_(air),
      id_(id),
      slots_(std::max<std::size_t>(1, air.options().tx_queue_len)),
      machine_(slots_, machine_options(air.options())) {}

UdpRadio::~UdpRadio() = default;

std::uint64_t UdpRadio::now_us() const {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(Steady::now() - air_.start_).count());
}

void UdpRadio::set_listener(RadioListener* listener) {
  std::unique_lock lk(air_.mutex_);  // waits for running callbacks
  listener_ = listener;
}

std::error_code UdpRadio::set_channel(std::uint8_t ch) {
  if (auto ec = AirRadio::set_channel(ch)) return ec;
  air_.announce_if_changed();
  return {};
}

std::uint64_t UdpRadio::state_fingerprint() const { return fingerprint(snapshot(*this, id_)); }

// Hands the frame to the machine, which sends it at once when the window
// has room; the service thread handles timeouts and the reports.
std::error_code UdpRadio::transmit(std::span<const std::uint8_t> frame, PhyRate rate) {
  if (frame.size() < wire::kHeaderLen || frame.size() > wire::kMaxFrameSize) return errc::arg;
  // Receivers learn of a change of ours before they see a frame sent with it.
  if (state_fingerprint() != announced_fingerprint_.load()) air_.announce_if_changed();
  TimePoint next;
  {
    std::unique_lock lk(tx_mutex_);
    if (auto ec = machine_.submit(frame, rate)) return ec;
    next = pump_locked(Steady::now());
    send_made(lk);
  }
  air_.wake_service_by(next);
  return {};
}

bool UdpRadio::reachable(const MacAddress& dst, PhyRate rate) { return air_.reachable(*this, dst, rate); }

// Called under tx_mutex_: the datagram is made here and sent by send_made().
void UdpRadio::send(const TxMachine::Attempt& a) {
  const wire::AirHeader h = air_.frame_header(*this, id_, a.rate, a.tag, a.stream, a.base);
  const std::size_t at = made_.bytes.size();
  made_.bytes.resize(at + wire::kAirHeaderLen + a.frame.size());
  const std::size_t n = wire::encode_air_datagram(h, a.frame, std::span(made_.bytes).subspan(at));
  made_.bytes.resize(at + n);
  made_.ends.push_back(at + n);
}

// Taking send_mutex_ before tx_mutex_ is released keeps the datagrams of two
// threads in the order the machine made them (a receiver holds back a frame
// that overtook an earlier one). Both buffers keep their capacity.
void UdpRadio::send_made(std::unique_lock<std::mutex>& tx_lock) {
  if (made_.ends.empty()) return;
  std::lock_guard sl(send_mutex_);
  std::swap(made_, sending_);
  tx_lock.unlock();
  std::size_t begin = 0;
  for (const std::size_t end : sending_.ends) {
    air_.send_bytes(std::span(sending_.bytes).subspan(begin, end - begin));
    begin = end;
  }
  sending_.bytes.clear();
  sending_.ends.clear();
}

UdpRadio::TimePoint UdpRadio::pump_locked(TimePoint now) { return steady_time(machine_.pump(machine_time(now), *this)); }

bool UdpRadio::report_finished() {
  std::lock_guard rl(report_mutex_);
  bool any = false;
  for (;;) {
    std::optional<TxMachine::Report> r;
    {
      std::lock_guard lk(tx_mutex_);
      r = machine_.pop_report();
    }
    if (!r) break;
    any = true;
    if (!r->acked && !r->expects_ack) ++air_.counters_.absent_failures;
    if (listener_) listener_->on_tx_done(r->dst, r->acked);
  }
  return any;
}

UdpRadio::TimePoint UdpRadio::service(TimePoint now) {
  TimePoint next;
  do {
    std::unique_lock lk(tx_mutex_);
    next = pump_locked(now);
    send_made(lk);
  } while (report_finished());  // each report makes room in the window
  return next;
}

bool UdpRadio::acks_arrived(std::uint32_t tag, std::span<const std::uint32_t> more) {
  const TxMachine::Time now = machine_time(Steady::now());
  std::lock_guard lk(tx_mutex_);
  bool finished = machine_.acked(tag, now);
  for (const std::uint32_t t : more) finished = machine_.acked(t, now) || finished;
  return finished;
}

void UdpRadio::presence_changed(TimePoint now) {
  std::unique_lock lk(tx_mutex_);
  machine_.recheck(machine_time(now), *this);
  send_made(lk);
}

// ---------------------------------------------------------------- UdpAir

UdpAir::UdpAir(const AirUrl& url, UdpAirOptions options)
    : url_(url), options_(std::move(options)), loss_(options_.seed ? options_.seed : random_id() | 1, options_.loss),
      settle_end_(Steady::now() + options_.settle), process_id_(random_id()) {
  if (!options_.warn)
    options_.warn = [](std::string_view line) { std::fprintf(stderr, "espnow: %.*s\n", int(line.size()), line.data()); };
}

Result<std::unique_ptr<UdpAir>> UdpAir::open(const AirUrl& url, UdpAirOptions options) {
  const Result<std::string> address = interface_address(url.iface);
  if (!address.ok()) return address.failure();
  std::unique_ptr<UdpAir> air(new UdpAir(url, std::move(options)));
  if (auto started = air->start(*address); !started.ok()) return started.failure();
  return air;
}

Result<void> UdpAir::start(const std::string& iface_address) {
  socket_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (socket_ < 0) return errno_error("socket");
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
    return errno_error("bind " + url_.to_string());
  ip_mreq mreq{group, iface};
  if (setsockopt(socket_, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq, sizeof mreq) != 0)
    return errno_error("join group " + url_.group + " on " + iface_address);
  const unsigned char ttl = static_cast<unsigned char>(url_.ttl), loop = 1;
  if (setsockopt(socket_, IPPROTO_IP, IP_MULTICAST_IF, &iface, sizeof iface) != 0)
    return errno_error("send through " + iface_address);
  setsockopt(socket_, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl);
  setsockopt(socket_, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof loop);
  const int buf = 4 << 20;
  setsockopt(socket_, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
  drop_own_datagrams(true);
  // Named, so that top, perf and gdb tell the air's threads from the application's.
  receiver_ = start_library_thread([this] {
    pthread_setname_np(pthread_self(), "udp-air-rx");
    receive_loop();
  });
  servicer_ = start_library_thread([this] {
    pthread_setname_np(pthread_self(), "udp-air-service");
    service_loop();
  });
  send_control(wire::AirKind::hello);  // the others answer with their presence
  return {};
}

UdpAir::~UdpAir() {
  if (servicer_.joinable()) {
    {
      std::lock_guard lk(service_mutex_);
      stopping_ = true;
    }
    service_cv_.notify_one();
    servicer_.join();
  }
  if (receiver_.joinable()) {
    stop_receiving_ = true;
    ::shutdown(socket_, SHUT_RD);  // wakes the receive thread; sending still works
    receiver_.join();
    send_control(wire::AirKind::goodbye);  // so the others forget our radios now
  }
  if (socket_ >= 0) ::close(socket_);
}

Result<UdpRadio*> UdpAir::add_radio(const RadioOptions& options) {
  if (auto ec = validate(options)) return ec;
  UdpRadio* r;
  {
    std::lock_guard lk(add_mutex_);
    const std::size_t n = owned_.size();
    if (n == kMaxRadios) return errc::no_mem;
    if (n == 1) drop_own_datagrams(false);  // the radios may hear each other
    owned_.push_back(std::unique_ptr<UdpRadio>(new UdpRadio(*this, options, process_id_ | (n + 1))));
    r = owned_.back().get();
    radio_slots_[n].store(r, std::memory_order_release);
    radio_count_.store(n + 1, std::memory_order_release);
  }
  announce();
  return r;
}

void UdpAir::set_sniffer(std::function<void(const SniffedFrame&)> sniffer) {
  if (sniffer) drop_own_datagrams(false);  // it sees our own frames too
  std::unique_lock lk(mutex_);
  sniffer_ = std::move(sniffer);
}

bool UdpAir::settled() const { return Steady::now() >= settle_end_; }

std::vector<wire::RadioPresence> UdpAir::remote_radios() const {
  std::lock_guard lk(presence_mutex_);
  std::vector<wire::RadioPresence> out;
  for (const ProcessPresence& p : presence_) out.insert(out.end(), p.presence.radios.begin(), p.presence.radios.end());
  return out;
}

UdpAirStats UdpAir::stats() const {
  const Counters& c = counters_;
  return {c.sent.load(),         c.received.load(),       c.malformed.load(),
          c.wrong_version.load(), c.bad_fcs.load(),       c.deliveries.load(),
          c.lost.load(),         c.acks_sent.load(),      c.acks_received.load(),
          c.announcements_sent.load(), c.announcements_received.load(), c.absent_failures.load(),
          c.out_of_order.load(), c.repeats.load(),        c.duplicate_macs.load()};
}

wire::AirHeader UdpAir::frame_header(const AirRadio& radio, std::uint64_t sender_id, PhyRate rate, std::uint32_t tag,
                                     std::uint32_t stream, std::uint32_t base) const {
  wire::AirHeader h{radio.channel(), rate, static_cast<std::int8_t>(radio.tx_power()), radio.position(), sender_id};
  h.tag = tag;
  h.stream = stream;
  h.base = base;
  return h;
}

bool UdpAir::send_datagram(const AirRadio& radio, std::uint64_t sender_id, std::span<const std::uint8_t> frame,
                           PhyRate rate, std::uint32_t tag, std::uint32_t stream, std::uint32_t base) {
  return send_datagram(frame_header(radio, sender_id, rate, tag, stream, base), frame);
}

bool UdpAir::send_control(wire::AirKind kind, std::span<const std::uint8_t> payload) {
  wire::AirHeader h;
  h.sender_id = process_id_;
  h.kind = kind;
  return send_datagram(h, payload);
}

bool UdpAir::relay(std::span<const std::uint8_t> frame, std::uint8_t channel, PhyRate rate) {
  if (is_valid_channel(channel)) serve_as_bridge(channel);
  constexpr std::uint64_t kRelayId = kRadioBits;  // no radio of this process has it: radio ids count from 1
  return send_datagram(wire::AirHeader{channel, rate, 20, Position{}, process_id_ | kRelayId}, frame);
}

void UdpAir::serve_as_bridge(std::uint8_t channel) {
  const auto bit = static_cast<std::uint16_t>(1u << (channel & 15));
  if (!(bridged_channels_.fetch_or(bit) & bit)) announce();
}

bool UdpAir::send_datagram(const wire::AirHeader& h, std::span<const std::uint8_t> payload) {
  std::array<std::uint8_t, kMaxDatagram> small;
  std::vector<std::uint8_t> large;
  std::span<std::uint8_t> buf = small;
  if (wire::kAirHeaderLen + payload.size() > small.size()) {
    large.resize(wire::kAirHeaderLen + payload.size());
    buf = large;
  }
  return send_bytes(buf.first(wire::encode_air_datagram(h, payload, buf)));
}

bool UdpAir::send_bytes(std::span<const std::uint8_t> datagram) {
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(url_.port);
  to.sin_addr.s_addr = group_addr_;
  const bool ok = ::sendto(socket_, datagram.data(), datagram.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to) ==
                  static_cast<ssize_t>(datagram.size());
  if (ok) ++counters_.sent;
  return ok;
}

// ------------------------------------------------------------- presence

void UdpAir::announce() {
  {
    std::lock_guard lk(announce_mutex_);
    wire::Presence p;
    p.bridged_channels = bridged_channels_.load();
    for (std::size_t i = 0; i < radio_count(); ++i) {
      UdpRadio& r = radio(i);
      p.radios.push_back(snapshot(r, r.id_));
      r.announced_fingerprint_ = fingerprint(p.radios.back());
    }
    if (send_control(wire::AirKind::presence, wire::encode_presence(p))) ++counters_.announcements_sent;
  }
  check_duplicates();  // a MAC of ours may have changed to one another process has
}

void UdpAir::announce_if_changed() {
  for (std::size_t i = 0; i < radio_count(); ++i)
    if (radio(i).state_fingerprint() != radio(i).announced_fingerprint_.load()) return announce();
}

// Two processes owning one MAC would both ACK its frames: each says so once
// per MAC and other process.
void UdpAir::check_duplicates() {
  std::vector<MacAddress> fresh;
  {
    std::lock_guard lk(presence_mutex_);
    for (const ProcessPresence& p : presence_)
      for (const wire::RadioPresence& e : p.presence.radios)
        for (const auto& [mac, active] : {std::pair{e.sta, e.sta_active}, std::pair{e.ap, e.ap_active}}) {
          if (!active) continue;
          bool ours = false;
          for (std::size_t i = 0; i < radio_count() && !ours; ++i) ours = radio(i).owns(mac);
          const std::pair key{p.process, mac};
          if (!ours || std::find(warned_duplicates_.begin(), warned_duplicates_.end(), key) != warned_duplicates_.end())
            continue;
          warned_duplicates_.push_back(key);
          fresh.push_back(mac);
        }
  }
  for (const MacAddress& mac : fresh) {
    options_.warn("another process on the air " + url_.to_string() + " has a radio with the MAC " +
                  mac.to_text().c_str() + " too: both acknowledge its frames");
    ++counters_.duplicate_macs;  // after the warning: whoever sees the count may look for it
  }
}

void UdpAir::handle_presence(const wire::AirParse& p) {
  const std::uint64_t process = p.header.sender_id & ~kRadioBits;
  if (process == process_id_) return;  // our own, looped back
  bool changed = false;
  if (p.header.kind == wire::AirKind::hello) return announce();
  if (p.header.kind == wire::AirKind::goodbye) {
    {
      std::lock_guard lk(presence_mutex_);
      changed = std::erase_if(presence_, [&](const ProcessPresence& e) { return e.process == process; }) > 0;
    }
    std::erase_if(expected_, [&](const auto& e) { return (e.first.sender & ~kRadioBits) == process; });
  } else {
    std::optional<wire::Presence> parsed = wire::parse_presence(p.frame);
    if (!parsed) return void(++counters_.malformed);
    ++counters_.announcements_received;
    std::lock_guard lk(presence_mutex_);
    auto it = std::find_if(presence_.begin(), presence_.end(), [&](const ProcessPresence& e) { return e.process == process; });
    if (it == presence_.end()) it = presence_.insert(presence_.end(), ProcessPresence{process, {}, {}}), changed = true;
    changed = changed || !same_presence(it->presence, *parsed);
    it->heard = Steady::now();
    it->presence = std::move(*parsed);
  }
  if (!changed) return;
  check_duplicates();
  {
    std::lock_guard lk(service_mutex_);
    presence_dirty_ = true;
  }
  service_cv_.notify_one();
}

// Processes not heard for three announcement intervals died without a goodbye.
bool UdpAir::expire_presence(TimePoint now) {
  std::lock_guard lk(presence_mutex_);
  return std::erase_if(presence_, [&](const ProcessPresence& e) { return now - e.heard > 3 * options_.announce_interval; }) > 0;
}

bool UdpAir::reachable(const UdpRadio& from, const MacAddress& dst, PhyRate rate) {
  const Position position = from.position();
  const double tx_dbm = from.tx_power();
  const std::uint8_t channel = from.channel();
  const auto hears = [&](std::uint8_t rx_channel, Position at, bool long_range) {
    const int rssi = rssi_dbm(options_.path_loss, position, at, tx_dbm);
    return reception(channel, rx_channel, rate, long_range, rssi) == Reception::heard;
  };
  bool owned = false;
  for (std::size_t i = 0; i < radio_count(); ++i) {
    const UdpRadio& r = radio(i);
    if (&r == &from || !r.owns(dst)) continue;
    if (hears(r.channel(), r.position(), r.long_range())) return true;
    owned = true;
  }
  {
    std::lock_guard lk(presence_mutex_);
    for (const ProcessPresence& p : presence_)
      for (const wire::RadioPresence& e : p.presence.radios) {
        if (!e.owns(dst)) continue;
        if (hears(e.channel, e.position, e.long_range)) return true;
        owned = true;
      }
    if (owned) return false;
    for (const ProcessPresence& p : presence_)
      if (p.presence.bridged_channels >> channel & 1) return true;  // it may be a real device's
  }
  return !settled();
}

// --------------------------------------------------------------- service

void UdpAir::wake_service_by(TimePoint t) {
  if (ns_of(t) >= service_wake_ns_.load()) return;
  {
    std::lock_guard lk(service_mutex_);
    kicked_ = true;
  }
  service_cv_.notify_one();
}

// Timeouts and retries, reports of frames finished off the receive thread,
// announcements (periodic, and of state changes no setter told us about),
// forgetting silent processes, the end of the settle time.
void UdpAir::service_loop() {
  TimePoint next_announce = Steady::now() + options_.announce_interval;
  TimePoint next_poll = Steady::now();
  bool settle_seen = false;
  std::unique_lock lk(service_mutex_);
  while (!stopping_) {
    service_wake_ns_ = INT64_MAX;  // while this pass runs, every wake-up request counts
    kicked_ = false;
    bool dirty = std::exchange(presence_dirty_, false);
    lk.unlock();
    const TimePoint now = Steady::now();
    if (now >= next_poll) announce_if_changed(), next_poll = now + kStatePoll;
    if (now >= next_announce) announce(), next_announce = now + options_.announce_interval;
    if (expire_presence(now)) dirty = true;
    if (!settle_seen && now >= settle_end_) settle_seen = dirty = true;
    TimePoint next = std::min(next_poll, next_announce);
    if (!settle_seen) next = std::min(next, settle_end_);
    {
      std::shared_lock sl(mutex_);
      for (std::size_t i = 0; i < radio_count(); ++i) {
        if (dirty) radio(i).presence_changed(now);
        next = std::min(next, radio(i).service(now));
      }
    }
    lk.lock();
    if (kicked_ || stopping_) continue;
    service_wake_ns_ = ns_of(next);
    service_cv_.wait_until(lk, next, [this] { return kicked_ || stopping_; });
  }
}

// ------------------------------------------------------------- receiving

// Our own datagrams come back (multicast loop). While this process has at
// most one radio and no sniffer, none is of use here: a socket filter drops
// them in the kernel, so they wake nobody. Once off, it stays off.
void UdpAir::drop_own_datagrams(bool on) {
  if (!on) {
    const int unused = 0;  // the kernel wants an int here
    if (own_dropped_.exchange(false)) setsockopt(socket_, SOL_SOCKET, SO_DETACH_FILTER, &unused, sizeof unused);
    return;
  }
  // The filter sees the UDP header (8 bytes), then the datagram, whose sender
  // id (bytes 20-27, little-endian) has the process in its top 48 bits.
  constexpr std::uint32_t kIdAt = 8 + 20;
  const auto byte = [this](int i) { return static_cast<std::uint32_t>(process_id_ >> (8 * i) & 0xFF); };
  const std::uint32_t middle = byte(2) << 24 | byte(3) << 16 | byte(4) << 8 | byte(5), top = byte(6) << 8 | byte(7);
  sock_filter code[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0),
      BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, kIdAt + 8, 0, 5),  // too short to name a sender: kept (and counted)
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, kIdAt + 2),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, middle, 0, 3),
      BPF_STMT(BPF_LD | BPF_H | BPF_ABS, kIdAt + 6),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, top, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, 0),           // ours: dropped
      BPF_STMT(BPF_RET | BPF_K, 0xFFFFFFFF),  // kept whole
  };
  const sock_fprog prog{static_cast<unsigned short>(std::size(code)), code};
  own_dropped_ = setsockopt(socket_, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) == 0;
}

// One recvmmsg per wake-up reads every datagram waiting (up to a batch);
// the ACKs they call for go out together afterwards, so a sender's window of
// frames costs one ACK datagram, not one each.
void UdpAir::receive_loop() {
  const std::unique_ptr<std::uint8_t[]> buf(new std::uint8_t[kReceiveBatch * kMaxReceive]);  // untouched until used
  std::array<iovec, kReceiveBatch> iov;
  std::array<mmsghdr, kReceiveBatch> msgs{};
  for (std::size_t i = 0; i < kReceiveBatch; ++i) {
    iov[i] = {buf.get() + i * kMaxReceive, kMaxReceive};
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
  }
  while (!stop_receiving_.load()) {
    const int n = ::recvmmsg(socket_, msgs.data(), kReceiveBatch, MSG_WAITFORONE, nullptr);
    if (n <= 0 || stop_receiving_.load()) continue;
    for (int i = 0; i < n; ++i) {
      ++counters_.received;
      handle(std::span(buf.get() + i * kMaxReceive, msgs[i].msg_len));
    }
    flush_acks();
  }
}

void UdpAir::flush_acks() {
  std::vector<std::uint32_t> more;
  for (std::size_t i = 0; i < owed_acks_.size(); ++i) {
    const OwedAck& a = owed_acks_[i];
    if (!a.radio) continue;  // sent with an earlier one
    more.clear();
    for (std::size_t j = i + 1; j < owed_acks_.size(); ++j) {
      OwedAck& b = owed_acks_[j];
      if (b.radio != a.radio || b.ra != a.ra || b.rate != a.rate) continue;
      more.push_back(b.tag);
      b.radio = nullptr;
    }
    std::array<std::uint8_t, wire::kAckFrameLen + 4 * kReceiveBatch> payload;
    const std::size_t size = wire::encode_acks(a.ra, more, payload);
    if (send_datagram(*a.radio, a.radio->id_, std::span(payload).first(size), a.rate, a.tag))
      counters_.acks_sent += 1 + more.size();
  }
  owed_acks_.clear();
}

// Anything may arrive on the group: it is checked, and dropped and counted
// when malformed, never trusted.
void UdpAir::handle(std::span<const std::uint8_t> datagram) {
  const wire::AirParse p = wire::parse_air_datagram(datagram);
  if (!p.ok()) {
    ++(p.error == wire::AirError::wrong_version ? counters_.wrong_version : counters_.malformed);
    return;
  }
  if (p.header.kind != wire::AirKind::frame) return handle_presence(p);
  const bool own = (p.header.sender_id & ~kRadioBits) == process_id_;
  std::shared_lock lk(mutex_);
  // Our own datagrams come back (multicast loop): with one radio and no
  // sniffer nothing here is for us, so they cost no FCS check.
  if (own && radio_count() <= 1 && !sniffer_) return;
  if (p.frame[0] == wire::kAckFrameControl) return handle_acks(p);  // its FCS covers the ACK frame only
  if (!wire::fcs_ok(p.frame)) {
    ++counters_.bad_fcs;
    return;
  }
  if (sniffer_) {
    sniffer_(SniffedFrame{p.frame, p.header.channel, p.header.rate, p.header.position, double(p.header.tx_power_dbm), own});
  }
  if (p.frame.size() < wire::kHeaderLen + wire::kFcsLen) {
    ++counters_.malformed;
    return;
  }
  handle_frame(p.frame, p.header);
}

// An ACK datagram: the sniffer sees one ACK frame per frame acknowledged, as
// on a real air; the radio that owns the RA on the datagram's channel takes
// each tag, then reports what finished.
void UdpAir::handle_acks(const wire::AirParse& p) {
  if (!wire::fcs_ok(p.frame.first(wire::kAckFrameLen))) return void(++counters_.bad_fcs);
  const std::optional<wire::AckParse> acks = wire::parse_acks(p.frame);
  if (!acks) return void(++counters_.malformed);
  const std::span<const std::uint8_t> ack = p.frame.first(wire::kAckFrameLen);
  if (sniffer_) {
    const bool own = (p.header.sender_id & ~kRadioBits) == process_id_;
    const SniffedFrame s{ack, p.header.channel, p.header.rate, p.header.position, double(p.header.tx_power_dbm), own};
    for (std::size_t i = 0; i <= acks->more_tags.size(); ++i) sniffer_(s);
  }
  for (std::size_t i = 0; i < radio_count(); ++i) {
    UdpRadio& r = radio(i);
    if (r.channel() != p.header.channel || !r.owns(acks->ra)) continue;
    counters_.acks_received += 1 + acks->more_tags.size();
    if (r.acks_arrived(p.header.tag, acks->more_tags)) wake_service_by(r.service(Steady::now()));
  }
}

std::size_t UdpAir::StreamKeyHash::operator()(const StreamKey& k) const noexcept {
  std::uint64_t h = k.sender;
  for (auto b : k.dst.bytes) h = h * 0x100000001b3ull ^ b;
  return std::hash<std::uint64_t>{}(h);
}

// Where a tagged unicast stands among its sender's frames to `dst`: the next
// one (delivered), a repeat of one delivered (its ACK was lost), or early (an
// earlier one is still coming: held back unACKed, so it is sent again).
UdpAir::Order UdpAir::order(const wire::AirHeader& from, const MacAddress& dst) {
  std::uint32_t& expected = expected_.try_emplace(StreamKey{from.sender_id, dst}, from.base).first->second;
  if (serial_diff(from.base, expected) > 0) expected = from.base;  // the ones below were given up
  const std::int32_t d = serial_diff(from.stream, expected);
  if (d == 0) return ++expected, Order::next;
  return d < 0 ? Order::repeat : Order::early;
}

// The in-process air's rules (hear()), applied to a frame from another radio.
void UdpAir::handle_frame(std::span<const std::uint8_t> frame, const wire::AirHeader& from) {
  const MacAddress dst = MacAddress::read(frame.data() + 4);
  const MacAddress src = MacAddress::read(frame.data() + 10);
  const bool group = dst.is_multicast();
  const Transmitter sender{src, from.position, double(from.tx_power_dbm), from.channel};
  bool owner_found = false;  // the first radio owning `dst` takes a unicast, as before sniffers
  for (std::size_t i = 0; i < radio_count(); ++i) {
    UdpRadio* r = &radio(i);
    if (r->id_ == from.sender_id || (owner_found && !r->promiscuous())) continue;
    const auto [outcome, rssi] = hear(*r, sender, dst, from.rate, options_.path_loss, loss_);
    if (outcome == Hearing::Outcome::lost) ++counters_.lost;
    if (outcome != Hearing::Outcome::heard) continue;
    const RxControl rx{static_cast<std::int8_t>(rssi), from.channel, from.rate, r->now_us()};
    // A sniffer takes every attempt as it comes (retries too), and never
    // acknowledges; the owner takes the stream in order.
    if (group || owner_found || !r->owns(dst)) {
      ++counters_.deliveries;
      if (r->listener_) r->listener_->on_frame(frame, rx);
      continue;
    }
    owner_found = true;
    const Order place = from.tag == 0 ? Order::next : order(from, dst);
    if (place == Order::early) {
      ++counters_.out_of_order;
      continue;
    }
    if (place == Order::repeat) ++counters_.repeats;
    if (place == Order::next) {
      ++counters_.deliveries;
      if (r->listener_) r->listener_->on_frame(frame, rx);
    }
    if (loss_.lose(r->mac(Interface::sta), src)) {
      ++counters_.lost;
      continue;
    }
    owed_acks_.push_back({r, src, ack_rate(from.rate), from.tag});
  }
}

}  // namespace espnow
