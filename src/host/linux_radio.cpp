#include "espnow/host/linux_radio.hpp"

#include <cerrno>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <array>
#include <cstdio>

#include "espnow/wire/air_datagram.hpp"
#include "espnow/common/errors.hpp"
#include "espnow/wire/fcs.hpp"
#include "espnow/wire/frame.hpp"
#include "espnow/host/espnow_filter.hpp"
#include "espnow/host/nl80211.hpp"
#include "espnow/wire/radiotap.hpp"
#include "espnow/common/library_thread.hpp"

namespace espnow {

using host::host_errc;
namespace {

constexpr std::size_t kMaxRadiotap = 64;
constexpr int kSnapLen = 4096;  // more than any ESP-NOW frame plus its radiotap header

// The MAC the kernel gives a network interface (veth ends have one too).
// Asked through a socket, not /sys, which shows the namespace sysfs was mounted in.
std::optional<MacAddress> interface_mac(const std::string& iface) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::nullopt;
  ifreq req{};
  iface.copy(req.ifr_name, IFNAMSIZ - 1);
  const int rc = ::ioctl(fd, SIOCGIFHWADDR, &req);
  ::close(fd);
  if (rc != 0) return std::nullopt;
  return MacAddress::read(reinterpret_cast<const std::uint8_t*>(req.ifr_hwaddr.sa_data));
}

PhyRate rate_from_radiotap(const wire::RadiotapFields& f) {
  static constexpr PhyRate kRates[] = {PhyRate::r1m,  PhyRate::r2m,  PhyRate::r5m,  PhyRate::r11m,
                                       PhyRate::r6m,  PhyRate::r9m,  PhyRate::r12m, PhyRate::r18m,
                                       PhyRate::r24m, PhyRate::r36m, PhyRate::r48m, PhyRate::r54m};
  if (f.has_rate)
    for (PhyRate r : kRates)
      if (rate_info(r).kbps == f.rate_500kbps * 500u) return r;
  return PhyRate::r1m;
}

// Long-range rates have no radiotap rate: they go out at 1 Mbps.
std::uint8_t radiotap_rate(PhyRate rate) {
  const RateInfo& info = rate_info(rate);
  return info.modulation == Modulation::long_range ? 2 : static_cast<std::uint8_t>(info.kbps / 500);
}

int interface_mtu(const std::string& iface) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  ifreq req{};
  iface.copy(req.ifr_name, IFNAMSIZ - 1);
  const int rc = ::ioctl(fd, SIOCGIFMTU, &req);
  ::close(fd);
  return rc == 0 ? req.ifr_mtu : 0;
}

std::string monitor_fix(const std::string& iface) {
  return "sudo ip link set " + iface + " down && sudo iw dev " + iface + " set type monitor && sudo ip link set " +
         iface + " up (then `sudo iw dev " + iface + " set monitor active` where the driver supports it)";
}

std::string activation_error(const std::string& iface, int rc, ::pcap* p) {
  const std::string detail = rc == PCAP_ERROR ? pcap_geterr(p) : pcap_statustostr(rc);
  switch (rc) {
    case PCAP_ERROR_PERM_DENIED:
      return iface + ": permission denied (" + detail +
             "). Raw 802.11 needs root or CAP_NET_RAW: run with sudo, or grant the program the capability: "
             "sudo setcap cap_net_raw,cap_net_admin+eip PROGRAM";
    case PCAP_ERROR_NO_SUCH_DEVICE:
      return "no interface '" + iface + "' (" + detail + "); list them with `ip link` or `iw dev`";
    case PCAP_ERROR_IFACE_NOT_UP:
      return iface + " is down; bring it up with: sudo ip link set " + iface + " up";
    default:
      return iface + ": cannot capture: " + detail;
  }
}

}  // namespace

namespace {

using Steady = std::chrono::steady_clock;

TxMachine::Time machine_now() { return Steady::now().time_since_epoch(); }

// One frame in flight, as a chip sends them; no destination is ever known
// absent (the Medium's default), so every attempt waits for its ACK.
TxMachineOptions machine_options(const LinuxRadioOptions& o) {
  return {.max_retries = o.max_retries, .ack_timeout = o.ack_timeout};
}

}  // namespace

LinuxRadio::LinuxRadio(LinuxRadioOptions options)
    : options_(std::move(options)),
      channel_(options_.channel),
      slots_(std::max<std::size_t>(1, options_.tx_queue_len)),
      machine_(slots_, machine_options(options_)) {
  if (!options_.warn)
    options_.warn = [](std::string_view line) { std::fprintf(stderr, "espnow: %.*s\n", int(line.size()), line.data()); };
}

Result<std::unique_ptr<LinuxRadio>> LinuxRadio::open(LinuxRadioOptions options) {
  if (!is_valid_channel(options.channel))
    return Error(host_errc::bad_spec, "channel " + std::to_string(options.channel) + " is not a channel (1-14)");
  std::unique_ptr<LinuxRadio> r(new LinuxRadio(std::move(options)));
  if (auto a = r->activate(); !a.ok()) return a.failure();
  return r;
}

// Opens the source, checks it, sets channel and filter, starts receiving.
Result<void> LinuxRadio::activate() {
  const std::string& src = options_.source;
  char err[PCAP_ERRBUF_SIZE] = {};
  if (options_.mode == LinuxRadioMode::replay) {
    if (!options_.mac) return Error(host_errc::bad_spec, "replay mode needs the MAC of the device the capture is replayed to");
    pcap_ = pcap_open_offline(src.c_str(), err);
    if (!pcap_) return Error(host_errc::pcap, "cannot read " + src + ": " + err);
    if (!wire::is_capture_link(pcap_datalink(pcap_)))
      return Error(host_errc::bad_link_type, src + ": link type " + std::to_string(pcap_datalink(pcap_)) +
                                                  ", expected 127 (radiotap) or 105 (802.11)");
    link_ = static_cast<wire::CaptureLink>(pcap_datalink(pcap_));
  } else {
    if (if_nametoindex(src.c_str()) == 0)
      return Error(host_errc::no_interface, "no interface '" + src + "'; list them with `ip link` or `iw dev`");
    // Not knowing the interface is no error yet: the link type says what it is (check_link_type).
    const Result<host::WifiInterface> wifi = host::query_wifi_interface(src);
    const bool wireless = wifi.ok();
    if (options_.mode == LinuxRadioMode::monitor && wireless && !wifi->monitor)
      return Error(host_errc::not_monitor, src + " is a Wi-Fi interface but not in monitor mode. Fix: " + monitor_fix(src));
    pcap_ = pcap_create(src.c_str(), err);
    if (!pcap_) return Error(host_errc::pcap, src + ": " + err);
    pcap_set_snaplen(pcap_, kSnapLen);
    pcap_set_immediate_mode(pcap_, 1);  // every frame at once: ACK timing depends on it
    if (const int rc = pcap_activate(pcap_); rc < 0) return Error(host_errc::pcap, activation_error(src, rc, pcap_));
    if (auto r = check_link_type(wireless); !r.ok()) return r;
    if (!options_.mac) options_.mac = wireless ? std::optional(wifi->mac) : interface_mac(src);
    if (!options_.mac) return Error(host_errc::bad_spec, src + ": cannot read its MAC address; give one with --mac");
    // A veth drops packets over its MTU: the longest v2 frame and its radiotap header need more than 1500.
    if (options_.mode == LinuxRadioMode::veth_test && interface_mtu(src) < int(kMaxRadiotap + wire::kMaxFrameSize))
      options_.warn(src + ": MTU " + std::to_string(interface_mtu(src)) +
                    " is too small for the longest ESP-NOW v2 frames; fix: sudo ip link set " + src + " mtu 2304");
    if (options_.mode == LinuxRadioMode::monitor) {
      if (auto r = host::set_wifi_channel(src, options_.channel); !r.ok())
        return Error(r.error(), src + " refused channel " + std::to_string(options_.channel) + ": " +
                                    std::string(r.detail()) + ". Check with `iw dev " + src +
                                    " info`; another interface on the same card may hold the channel");
      if (!wireless || !wifi->active_monitor_supported)
        options_.warn(src + ": the driver has no active monitor mode, so the card does not ACK unicasts to " +
                      std::string(options_.mac->to_text().view()) + "; ESP32 senders will see their sends fail");
    }
    if (pcap_setnonblock(pcap_, 1, err) != 0) return Error(host_errc::pcap, src + ": " + err);
  }
  mac_ = *options_.mac;
  if (auto r = install_filter(); !r.ok()) return r;
  stop_fd_ = ::eventfd(0, EFD_CLOEXEC);
  if (stop_fd_ < 0) return Error(std::error_code(errno, std::system_category()), "eventfd");
  // A capture is replayed once the stack listens (set_listener); a live interface is read at once.
  if (options_.mode != LinuxRadioMode::replay) {
    transmitter_ = start_library_thread([this] { transmit_loop(); });
    receiver_ = start_library_thread([this] { receive_loop(); });
  }
  return {};
}

Result<void> LinuxRadio::check_link_type(bool wireless) {
  const int dlt = pcap_datalink(pcap_);
  const std::string& src = options_.source;
  const char* name = pcap_datalink_val_to_name(dlt);
  const std::string have = std::string(name ? name : "?") + " (" + std::to_string(dlt) + ")";
  if (options_.mode == LinuxRadioMode::veth_test) {
    if (dlt == DLT_EN10MB) return {};
    return Error(host_errc::bad_link_type,
                 "test mode carries frames over an Ethernet link (a veth end); " + src + " has link type " + have);
  }
  if (dlt == DLT_IEEE802_11_RADIO || pcap_set_datalink(pcap_, DLT_IEEE802_11_RADIO) == 0) return {};
  if (!wireless)  // Ethernet, a tunnel...: nothing `iw` could turn into a monitor interface
    return Error(host_errc::not_wireless, src + " is not a Wi-Fi interface (link type " + have + ", unknown to nl80211); linux:IFACE needs a Wi-Fi "
           "card's interface in monitor mode (`iw dev` lists them)" +
           (dlt == DLT_EN10MB ? ". For the veth test transport: linux-test:" + src : std::string()));
  if (dlt == DLT_EN10MB)
    return Error(host_errc::not_monitor,
                 src + " has link type " + have + ", not IEEE802_11_RADIO (radiotap): it is not a Wi-Fi interface in "
                 "monitor mode. For a Wi-Fi card: " + monitor_fix(src) + ". For the veth test transport: linux-test:" + src);
  return Error(host_errc::bad_link_type, src + " has the wrong link type " + have +
                                             "; a monitor interface gives IEEE802_11_RADIO (127). Fix: " + monitor_fix(src));
}

Result<void> LinuxRadio::install_filter() {
  const host::FilterLink link = options_.mode == LinuxRadioMode::veth_test ? host::FilterLink::radiotap_in_ethernet
                                                                          : host::FilterLink::radiotap;
  filter_ = host::espnow_filter(link, options_.promiscuous ? host::FilterScope::everything : host::FilterScope::device, mac_);
  bpf_program program{};
  if (pcap_compile(pcap_, &program, filter_.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0)
    return Error(host_errc::pcap, "BPF filter does not compile: " + std::string(pcap_geterr(pcap_)) + ": " + filter_);
  const int rc = pcap_setfilter(pcap_, &program);
  pcap_freecode(&program);
  if (rc != 0) return Error(host_errc::pcap, "cannot install the BPF filter: " + std::string(pcap_geterr(pcap_)));
  return {};
}

LinuxRadio::~LinuxRadio() {
  if (transmitter_.joinable()) {  // first: its thread injects through pcap_; frames still queued are dropped
    {
      std::lock_guard lk(tx_mutex_);
      tx_stop_ = true;
    }
    tx_cv_.notify_all();
    transmitter_.join();
  }
  stopping_ = true;
  if (receiver_.joinable()) {
    const std::uint64_t v = 1;
    (void)!::write(stop_fd_, &v, sizeof v);
    receiver_.join();
  }
  if (pcap_) pcap_close(pcap_);
  if (stop_fd_ >= 0) ::close(stop_fd_);
}

MacAddress LinuxRadio::mac(Interface i) const {
  if (i == Interface::sta) return mac_;
  MacAddress ap = mac_;  // an ESP32's AP MAC: the STA's with the last byte + 1
  ap.bytes[5] = static_cast<std::uint8_t>(ap.bytes[5] + 1);
  return ap;
}

std::error_code LinuxRadio::set_channel(std::uint8_t ch) {
  if (!is_valid_channel(ch)) return errc::arg;
  return tune(ch).ok() ? std::error_code{} : make_error_code(errc::chan);
}

Result<void> LinuxRadio::tune(std::uint8_t ch) {
  if (!is_valid_channel(ch)) return Error(errc::arg, "channel " + std::to_string(ch) + " is not 1..14");
  if (options_.mode == LinuxRadioMode::monitor) {
    if (auto r = host::set_wifi_channel(options_.source, ch); !r.ok())
      return Error(r.error(), options_.source + " refused channel " + std::to_string(ch) + ": " + std::string(r.detail()));
  }
  channel_ = ch;
  return {};
}

std::uint64_t LinuxRadio::now_us() const {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start_).count());
}

void LinuxRadio::set_listener(RadioListener* listener) {
  std::unique_lock lk(listener_mutex_);
  listener_ = listener;
  if (listener && options_.mode == LinuxRadioMode::replay && !receiver_.joinable())
    receiver_ = start_library_thread([this] { receive_loop(); });
}

void LinuxRadio::set_monitor(std::function<void(const MonitoredFrame&)> monitor) {
  std::unique_lock lk(listener_mutex_);
  monitor_ = std::move(monitor);
}

LinuxRadioStats LinuxRadio::stats() const {
  const Counters& c = counters_;
  return {c.packets.load(),       c.malformed.load(),     c.bad_fcs.load(),   c.other_channel.load(),
          c.delivered.load(),     c.acks_received.load(), c.tx_reports.load(), c.injected.load(),
          c.inject_errors.load(), c.acks_sent.load(),     c.retries.load(),   c.unconfirmed.load()};
}

void LinuxRadio::wait_until_replayed() {
  std::unique_lock lk(replay_mutex_);
  replay_cv_.wait(lk, [this] { return replay_done_; });
}

// ------------------------------------------------------------- receiving

void LinuxRadio::receive_loop() {
  const auto on_packet = [](u_char* self, const pcap_pkthdr* h, const u_char* bytes) {
    reinterpret_cast<LinuxRadio*>(self)->handle_packet(std::span<const std::uint8_t>(bytes, h->caplen));
  };
  if (options_.mode == LinuxRadioMode::replay) {
    while (!stopping_ && pcap_dispatch(pcap_, 64, on_packet, reinterpret_cast<u_char*>(this)) > 0) {
    }
    std::lock_guard lk(replay_mutex_);
    replay_done_ = true;
    replay_cv_.notify_all();
    return;
  }
  pollfd fds[2] = {{pcap_get_selectable_fd(pcap_), POLLIN, 0}, {stop_fd_, POLLIN, 0}};
  for (;;) {
    if (::poll(fds, 2, -1) < 0 && errno != EINTR) return;
    if (fds[1].revents) return;
    if (fds[0].revents & (POLLERR | POLLHUP | POLLNVAL)) return;  // the interface went away
    while (pcap_dispatch(pcap_, 64, on_packet, reinterpret_cast<u_char*>(this)) > 0) {
    }
  }
}

// Through wire::read_captured(), the rule every reader shares: radiotap off,
// the FCS checked when the packet carries one, computed when the driver
// stripped it (the kernel then already dropped bad frames), then on to handle_frame.
void LinuxRadio::handle_packet(std::span<const std::uint8_t> packet) {
  ++counters_.packets;
  std::array<std::uint8_t, wire::kMaxFrameSize> storage;
  const wire::CapturedFrame c = wire::read_captured(packet, link_, storage);
  if (c.status == wire::CaptureStatus::bad_fcs) return void(++counters_.bad_fcs);
  if (!c.ok() || c.frame.size() < wire::kAckFrameLen) return void(++counters_.malformed);
  const wire::RadiotapFields& f = c.fields;
  const std::uint8_t heard_on = f.has_channel ? mhz_to_channel(f.channel_mhz) : channel();
  if (options_.mode == LinuxRadioMode::veth_test && heard_on != channel()) return void(++counters_.other_channel);
  const RxControl rx_ctrl{f.has_signal ? f.signal_dbm : std::int8_t{0}, heard_on, rate_from_radiotap(f), now_us()};
  // Only the kernel writes TX flags on a received frame; on the veth they are the sender's own.
  const bool tx_report = options_.mode != LinuxRadioMode::veth_test && f.has_tx_flags;
  handle_frame(c.frame, rx_ctrl, tx_report, tx_report && (f.tx_flags & wire::kRadiotapTxFail));
}

void LinuxRadio::handle_frame(std::span<const std::uint8_t> frame, const RxControl& rx_ctrl, bool tx_report, bool tx_failed) {
  std::shared_lock lk(listener_mutex_);
  if (monitor_) monitor_(MonitoredFrame{frame, rx_ctrl, tx_report});
  if (options_.promiscuous) return;
  MacAddress ra;
  if (wire::parse_ack(frame, ra)) {
    if (ra == mac_) ++counters_.acks_received, confirm(ra, true);
    return;
  }
  if (frame.size() < wire::kHeaderLen + wire::kFcsLen) return void(++counters_.malformed);
  const MacAddress dst = MacAddress::read(frame.data() + 4), src = MacAddress::read(frame.data() + 10);
  if (src == mac_) {  // our own frame, as the kernel reports it
    if (tx_report) ++counters_.tx_reports, confirm(dst, !tx_failed);
    return;
  }
  if (!accepts(dst)) return;  // a capture file holds everyone's frames
  if (options_.mode == LinuxRadioMode::veth_test && dst == mac_) send_software_ack(src, rx_ctrl.rate);
  ++counters_.delivered;
  if (listener_) listener_->on_frame(frame, rx_ctrl);
}

// An ACK or a TX report arrived: it settles the attempt being awaited (a
// failed TX report ends the wait at once: the next attempt goes now).
void LinuxRadio::confirm(const MacAddress& dst, bool acked) {
  ever_confirmed_ = true;
  {
    std::lock_guard lk(tx_mutex_);
    const std::optional<MacAddress> awaited = machine_.awaited();
    if (!awaited || (dst != mac_ && dst != *awaited)) return;  // late, or another frame's report
    if (acked) machine_.acked(0, machine_now());
    else machine_.refused(0, machine_now());
  }
  tx_cv_.notify_one();
}

// The card's job in active monitor mode, done in software on the veth: the
// ACK at the basic rate of the frame's modulation (6 Mbps after OFDM).
void LinuxRadio::send_software_ack(const MacAddress& to, PhyRate frame_rate) {
  std::array<std::uint8_t, wire::kAckFrameLen> ack;
  wire::encode_ack(to, ack);
  if (!inject(ack, ack_rate(frame_rate))) ++counters_.acks_sent;
}

// ----------------------------------------------------------- transmitting

std::error_code LinuxRadio::transmit(std::span<const std::uint8_t> frame, PhyRate rate) {
  if (options_.mode == LinuxRadioMode::replay) return errc::intf;  // a capture file has no transmitter
  if (frame.size() < wire::kHeaderLen + wire::kFcsLen || frame.size() > wire::kMaxFrameSize) return errc::arg;
  // A group frame with nothing queued ahead of it goes out at once, on the
  // caller's thread (as on the in-process air): no hand-over to the
  // transmitter thread, and its report keeps its place in the order.
  bool at_once = false;
  {
    std::lock_guard lk(tx_mutex_);
    at_once = MacAddress::read(frame.data() + 4).is_multicast() && machine_.empty();
    if (auto ec = machine_.submit(frame, rate)) return ec;
    if (at_once) machine_.pump(machine_now(), *this);
  }
  // Reported here, unless someone is reporting already (perhaps a listener up
  // this very stack, sending from on_tx_done): then that reporter takes it,
  // or the transmitter thread, woken for it.
  if (!at_once || !report_finished(/*wait=*/false)) tx_cv_.notify_one();
  return {};
}

void LinuxRadio::send(const TxMachine::Attempt& attempt) {
  if (attempt.retry) ++counters_.retries;
  (void)inject(attempt.frame, attempt.rate);
}

// Runs the machine on the steady clock: attempts when due, reports when
// frames finish, asleep until the next ACK deadline or an event.
void LinuxRadio::transmit_loop() {
  std::unique_lock lk(tx_mutex_);
  while (!tx_stop_) {
    const TxMachine::Time now = machine_now();
    const TxMachine::Time next = machine_.pump(now, *this);
    if (next <= now) {
      lk.unlock();
      report_finished();
      lk.lock();
    } else if (next == TxMachine::kNever) {
      tx_cv_.wait(lk);
    } else {
      tx_cv_.wait_until(lk, Steady::time_point(next));
    }
  }
}

bool LinuxRadio::report_finished(bool wait) {
  std::unique_lock rl(report_mutex_, std::defer_lock);
  if (!wait && !rl.try_lock()) return false;
  if (wait) rl.lock();
  for (;;) {
    std::optional<TxMachine::Report> r;
    {
      std::lock_guard lk(tx_mutex_);
      r = machine_.pop_report();
    }
    if (!r) return true;
    // Nothing ever confirmed anything on this interface: "not acked" may only
    // mean "cannot tell". The test mode always can.
    if (!r->acked && options_.mode != LinuxRadioMode::veth_test && !ever_confirmed_.load()) report_unconfirmed();
    std::shared_lock lk(listener_mutex_);
    if (listener_) listener_->on_tx_done(r->dst, r->acked);
  }
}

// The frame goes to the driver without its FCS and without the radiotap FCS
// flag: every driver appends its own. One left in the frame (drivers that
// ignore the flag keep it) makes the frame 4 bytes longer than its elements,
// and ESP-IDF >= 5.3.2 receivers drop it (SPEC §4 "Element length").
std::error_code LinuxRadio::inject(std::span<const std::uint8_t> frame, PhyRate rate) {
  if (!pcap_ || options_.mode == LinuxRadioMode::replay) return errc::intf;
  if (frame.size() <= wire::kFcsLen) return errc::arg;
  const auto body = frame.first(frame.size() - wire::kFcsLen);
  const bool group = body.size() >= 10 && MacAddress::read(body.data() + 4).is_multicast();
  wire::RadiotapFields f;
  f.has_rate = true, f.rate_500kbps = radiotap_rate(rate);
  f.has_channel = true, f.channel_mhz = channel_to_mhz(channel());
  f.channel_flags = wire::kRadiotapChan2Ghz;
  f.has_tx_flags = true, f.tx_flags = group ? wire::kRadiotapTxNoAck : std::uint16_t{0};
  std::array<std::uint8_t, kMaxRadiotap + wire::kMaxFrameSize> packet;
  const std::size_t head = wire::build_radiotap(f, packet);
  if (head == 0 || head + body.size() > packet.size()) return errc::arg;
  std::copy(body.begin(), body.end(), packet.begin() + static_cast<std::ptrdiff_t>(head));
  std::lock_guard lk(inject_mutex_);
  if (pcap_inject(pcap_, packet.data(), head + body.size()) < 0) {
    ++counters_.inject_errors;
    return errc::internal;
  }
  ++counters_.injected;
  return {};
}

void LinuxRadio::report_unconfirmed() {
  ++counters_.unconfirmed;
  if (warned_unconfirmed_.exchange(true)) return;
  options_.warn(options_.source +
                ": neither TX-status reports nor ACK frames are visible on this interface, so sends cannot be "
                "confirmed: they are reported as not acknowledged (unconfirmed). Fix: `sudo iw dev " +
                options_.source + " set monitor control active` (pass control frames, ACK unicasts) where the "
                "driver supports it");
}

}  // namespace espnow
