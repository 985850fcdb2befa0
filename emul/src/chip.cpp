// EmulatedChip: creation on an air, the per-thread chip selection, the
// default chip on the default air, and the Wi-Fi task's hand-over to the
// registered C callbacks.
#include <cstdio>
#include <array>
#include <cstdlib>
#include <cstring>
#include <random>

#include "espnow/common/environment.hpp"
#include "chip_state.hpp"
#include "nvs_partition.hpp"
#include "driver/gpio.h"

namespace espnow::emul {
namespace detail {

namespace {
// The chip's NVS directory: its own option, else ESPNOW_NVS_DIR, else none.
std::string nvs_dir_of(const ChipOptions& options) {
  if (!options.nvs_dir.empty()) return options.nvs_dir;
  const char* dir = std::getenv("ESPNOW_NVS_DIR");
  return dir ? dir : "";
}
}  // namespace

ChipState::ChipState(EmulatedChip& chip, AirRadio& r, const SimAir* air, const ChipOptions& options,
                     std::function<void()> release)
    : owner(chip), clock(options.clock ? *options.clock : steady_clock()), radio(r), sim_air(air),
      factory_mac(r.mac(Interface::sta)), link_radio(r), link(link_radio, options.link),
      release_radio(std::move(release)), on_restart(options.on_restart), on_deep_sleep(options.on_deep_sleep),
      on_panic(options.on_panic),
      services(chip, clock, nvs_dir_of(options), options.reset_reason, options.wakeup_cause),
      task(*this, clock, options.rx_queue_len) {
  link_radio.set_sniffer([this](std::span<const std::uint8_t> frame, const RxControl& rx) { sniffed(frame, rx); });
}

ChipState::~ChipState() {
  gpio.stop_service();  // no handler runs while the rest goes
  if (sweep_timer) {  // before the esp_timer task goes (services, below)
    (void)esp_timer_stop(sweep_timer);
    (void)esp_timer_delete(sweep_timer);
  }
  link_radio.set_sniffer({});
  (void)link.deinit();  // no radio callback after this, so the task can stop
}

void ChipState::apply_mode_locked() {
  if (asleep > 0) {  // off until the chip wakes, then as the mode says
    mode_changed_asleep = true;
    return;
  }
  const bool sta = wifi_started && (mode == WIFI_MODE_STA || mode == WIFI_MODE_APSTA);
  const bool ap = wifi_started && (mode == WIFI_MODE_AP || mode == WIFI_MODE_APSTA);
  radio.set_active(Interface::sta, sta);
  radio.set_active(Interface::ap, ap);
  radio.set_promiscuous(wifi_started && promiscuous);
}

void ChipState::sleep_radio_locked() {
  if (asleep++ > 0) return;
  mode_changed_asleep = false;
  sta_before_sleep = radio.interface_active(Interface::sta);
  ap_before_sleep = radio.interface_active(Interface::ap);
  radio.set_active(Interface::sta, false);
  radio.set_active(Interface::ap, false);
  radio.set_promiscuous(false);
}

void ChipState::wake_radio_locked() {
  if (--asleep > 0) return;
  if (mode_changed_asleep) return apply_mode_locked();
  radio.set_active(Interface::sta, sta_before_sleep);
  radio.set_active(Interface::ap, ap_before_sleep);
  radio.set_promiscuous(wifi_started && promiscuous);
}

wifi_mode_t ChipState::live_mode_locked() const {
  if (!wifi_started || asleep > 0) return mode;  // asleep: the mode it wakes to
  const bool sta = radio.interface_active(Interface::sta);
  const bool ap = radio.interface_active(Interface::ap);
  return sta && ap ? WIFI_MODE_APSTA : sta ? WIFI_MODE_STA : ap ? WIFI_MODE_AP : WIFI_MODE_NULL;
}

void ChipState::link_received(void* self, const RecvInfo& info, std::span<const std::uint8_t> data) {
  static_cast<ChipState*>(self)->task.post_received(info, data);
}

// The report names the frame's interface as a chip's driver does: the
// peer's, looked up as the report comes (SoftLink reports only the
// destination). A peer deleted meanwhile is reported on the STA interface.
void ChipState::link_sent(void* self, const MacAddress& dst, SendStatus status) {
  auto& chip = *static_cast<ChipState*>(self);
  PeerInfo peer;
  const Interface ifidx = chip.link.get_peer(dst, peer) ? Interface::sta : peer.ifidx;
  chip.task.post_sent({dst, status, ifidx});
}

void ChipState::set_recv_cb(RecvCallback cb) {
  std::lock_guard lk(cb_mutex);
  recv_cb_ = cb;
}
void ChipState::set_send_cb(SendCallback cb) {
  std::lock_guard lk(cb_mutex);
  send_cb_ = cb;
}
ChipState::RecvCallback ChipState::recv_cb() const {
  std::lock_guard lk(cb_mutex);
  return recv_cb_;
}
ChipState::SendCallback ChipState::send_cb() const {
  std::lock_guard lk(cb_mutex);
  return send_cb_;
}

namespace {
// The callback types of each ESP-IDF, whatever version the library is built at.
using RecvInfoFn = void (*)(const esp_now_recv_info_t*, const uint8_t*, int);  // 5.0+
using RecvMacFn = void (*)(const uint8_t*, const uint8_t*, int);               // before 5.0
using SendInfoFn = void (*)(const wifi_tx_info_t*, esp_now_send_status_t);  // 5.5+: esp_now_send_info_t
using SendMacFn = void (*)(const uint8_t*, esp_now_send_status_t);              // before 5.5

// The receive metadata a chip's driver fills in (esp_wifi.h says which fields).
wifi_pkt_rx_ctrl_t rx_ctrl_of(const RxControl& rx, std::size_t frame_len) {
  wifi_pkt_rx_ctrl_t ctrl{};
  ctrl.rssi = rx.rssi_dbm;
  ctrl.rate = static_cast<unsigned>(rx.rate) & 0x1Fu;  // a 5-bit field on the chip too
  ctrl.channel = rx.channel & 0x0Fu;
  ctrl.timestamp = static_cast<std::uint32_t>(rx.timestamp_us);
  ctrl.sig_len = static_cast<unsigned>(frame_len) & 0xFFFu;
  return ctrl;
}

// A frame's type for the promiscuous filter, from its frame control field.
wifi_promiscuous_pkt_type_t packet_type(std::uint8_t frame_control) {
  switch ((frame_control >> 2) & 0x3) {
    case 0: return WIFI_PKT_MGMT;
    case 1: return WIFI_PKT_CTRL;
    case 2: return WIFI_PKT_DATA;
    default: return WIFI_PKT_MISC;
  }
}

}  // namespace

// While the radio is promiscuous, every frame it hears that the filter lets
// through goes to the Wi-Fi task (frames to the chip come here too, before
// the link has them).
void ChipState::sniffed(std::span<const std::uint8_t> frame, const RxControl& rx) {
  if (!radio.promiscuous() || frame.empty()) return;
  const std::uint32_t type_bit = 1u << packet_type(frame[0]);
  if ((promiscuous_filter.load() & type_bit) == 0) return;
  if (type_bit == WIFI_PROMIS_FILTER_MASK_CTRL) return;  // the air hands up no control frames (esp_wifi.h)
  task.post_sniffed(rx, frame);
}

void ChipState::on_sniffed(const WifiTask::Received& r) {
  const wifi_promiscuous_cb_t cb = promiscuous_cb.load();
  if (!cb) return;
  // The callback's buffer: the metadata, then the frame (wifi_promiscuous_pkt_t).
  alignas(wifi_promiscuous_pkt_t) std::array<std::uint8_t, sizeof(wifi_promiscuous_pkt_t) + wire::kMaxFrameSize> buf;
  const wifi_pkt_rx_ctrl_t ctrl = rx_ctrl_of(r.info.rx_ctrl, r.len);
  std::memcpy(buf.data(), &ctrl, sizeof ctrl);
  std::memcpy(buf.data() + sizeof(wifi_promiscuous_pkt_t), r.data.data(), r.len);
  cb(buf.data(), packet_type(r.data[0]));
}

void ChipState::on_received(const WifiTask::Received& r) {
  select_chip(&owner);
  if (r.sniffed) return on_sniffed(r);
  const RecvCallback cb = recv_cb();
  if (!cb.fn) return;
  MacAddress src = r.info.src, dst = r.info.dst;
  const int len = static_cast<int>(r.len);
  if (!cb.with_info) return reinterpret_cast<RecvMacFn>(cb.fn)(src.bytes.data(), r.data.data(), len);
  wifi_pkt_rx_ctrl_t ctrl = rx_ctrl_of(r.info.rx_ctrl, 0);
  const esp_now_recv_info_t info{src.bytes.data(), dst.bytes.data(), &ctrl};
  reinterpret_cast<RecvInfoFn>(cb.fn)(&info, r.data.data(), len);
}

void ChipState::on_sent(const WifiTask::Sent& s) {
  select_chip(&owner);
  const SendCallback cb = send_cb();
  if (!cb.fn) return;
  const bool ok = s.status == SendStatus::success;
  const auto status = ok ? ESP_NOW_SEND_SUCCESS : ESP_NOW_SEND_FAIL;
  MacAddress dst = s.dst, src = radio.mac(s.ifidx);
  if (!cb.with_info) return reinterpret_cast<SendMacFn>(cb.fn)(dst.bytes.data(), status);
  wifi_tx_info_t info{};
  info.des_addr = dst.bytes.data();
  info.src_addr = src.bytes.data();
  info.ifidx = s.ifidx == Interface::ap ? WIFI_IF_AP : WIFI_IF_STA;
  info.rate = static_cast<wifi_phy_rate_t>(link.rate());
  info.tx_status = ok ? WIFI_SEND_SUCCESS : WIFI_SEND_FAIL;
  reinterpret_cast<SendInfoFn>(cb.fn)(&info, status);
}

}  // namespace detail

namespace {

thread_local EmulatedChip* t_selected = nullptr;
std::atomic<EmulatedChip*> g_default{nullptr};

struct DefaultChipFailure {
  [[noreturn]] static void fail(const std::string& why) {
    std::fprintf(stderr, "esp-idf emulation: cannot make the default chip: %s\n", why.c_str());
    std::abort();
  }
};

// A random locally administered unicast MAC for the default chip.
MacAddress random_mac() {
  std::random_device rd;
  MacAddress mac;
  for (auto& b : mac.bytes) b = static_cast<std::uint8_t>(rd());
  mac.bytes[0] = static_cast<std::uint8_t>((mac.bytes[0] & 0xFC) | 0x02);
  return mac;
}

// ESPNOW_MAC, as every front end reads it (the CLI, the Python modules);
// else a random locally administered address. The AP MAC follows as STA + 1.
MacAddress mac_from_environment() {
  const char* text = std::getenv("ESPNOW_MAC");
  if (!text || !*text) return random_mac();
  const MacParseResult r = MacAddress::parse(text);
  const std::string quoted = std::string("ESPNOW_MAC='") + text + "'";
  if (!r) DefaultChipFailure::fail(quoted + " is not a MAC address: " + std::string(to_string(r.error)));
  if (r.mac.is_multicast()) DefaultChipFailure::fail(quoted + " is a group address; a device's MAC must be unicast");
  return r.mac;
}

// ESP_SLEEP_WAKEUP_UNDEFINED, unless a deep sleep re-executed the program:
// it leaves the cause in ESPNOW_EMUL_WAKEUP_CAUSE, taken away here as the
// reset reason below is.
int wakeup_cause_from_environment() {
  const char* text = std::getenv("ESPNOW_EMUL_WAKEUP_CAUSE");
  const int cause = text ? std::atoi(text) : 0;
  unsetenv("ESPNOW_EMUL_WAKEUP_CAUSE");
  return cause > 0 ? cause : 0;
}

// ESP_RST_POWERON, unless esp_restart or a deep sleep re-executed the program: it leaves
// the reason in ESPNOW_EMUL_RESET_REASON, taken away here so that programs
// this one starts do not inherit it.
int reset_reason_from_environment() {
  const char* text = std::getenv("ESPNOW_EMUL_RESET_REASON");
  const int reason = text ? std::atoi(text) : 1;
  unsetenv("ESPNOW_EMUL_RESET_REASON");
  return reason > 0 ? reason : 1;
}

// The NVS kept in memory by the image that re-executed this program
// (ESPNOW_EMUL_NVS), taken away so that programs this one starts boot with
// an erased flash.
void take_nvs_from_environment(detail::ChipServices& services) {
  if (const char* text = std::getenv("ESPNOW_EMUL_NVS"); text && services.nvs_dir.empty())
    services.nvs().take_text(text);
  unsetenv("ESPNOW_EMUL_NVS");
}

// The chip a program gets with no selection: one radio on the default UDP air.
struct DefaultChip : DefaultChipFailure {
  std::unique_ptr<UdpAir> air;
  std::unique_ptr<EmulatedChip> chip;
  DefaultChip() {
    const Result<AirUrl> url = air_url_from_environment();
    if (!url.ok()) fail("ESPNOW_AIR: " + std::string(url.detail()));
    auto opened = UdpAir::open(*url);
    if (!opened.ok()) fail(std::string(opened.detail()));
    air = std::move(opened).value();
    // ESPNOW_VERSION=2: a chip whose firmware was built on ESP-IDF >= 5.4.
    const Result<int> version = protocol_version_from_environment();
    if (!version.ok()) fail(std::string(version.detail()));
    auto c = EmulatedChip::create(*air, {.radio = {.mac = mac_from_environment()},
                                         .link = {.version = static_cast<std::uint8_t>(*version)},
                                         .reset_reason = reset_reason_from_environment(),
                                         .wakeup_cause = wakeup_cause_from_environment()});
    if (!c.ok()) fail(c.failure().message());
    chip = std::move(c.value());
    chip->state().process_default = true;
    take_nvs_from_environment(chip->state().services);
  }
  ~DefaultChip() { chip.reset(); }  // before the air it sits on
};

EmulatedChip& default_chip() {
  if (EmulatedChip* c = g_default.load()) return *c;
  static DefaultChip chip;
  return *chip.chip;
}

// A chip's radio starts with both interfaces off: esp_wifi_start turns them on.
RadioOptions powered_down(RadioOptions radio) {
  radio.sta_active = false;
  radio.ap_active = false;
  return radio;
}

}  // namespace

Result<std::unique_ptr<EmulatedChip>> EmulatedChip::create(SimAir& air, const ChipOptions& options) {
  auto r = air.add_radio(powered_down(options.radio));
  if (!r.ok()) return r.failure();
  SimRadio* radio = *r;
  return std::unique_ptr<EmulatedChip>(
      new EmulatedChip(*radio, &air, options, [&air, radio] { air.remove_radio(*radio); }));
}

// The UDP air keeps its radios until it closes; a destroyed chip's radio
// stays on it powered down, so it neither hears nor acknowledges.
Result<std::unique_ptr<EmulatedChip>> EmulatedChip::create(UdpAir& air, const ChipOptions& options) {
  auto r = air.add_radio(powered_down(options.radio));
  if (!r.ok()) return r.failure();
  UdpRadio* radio = *r;
  return std::unique_ptr<EmulatedChip>(new EmulatedChip(*radio, nullptr, options, [radio] {
    radio->set_active(Interface::sta, false);
    radio->set_active(Interface::ap, false);
  }));
}

EmulatedChip::EmulatedChip(AirRadio& radio, const SimAir* sim_air, const ChipOptions& options,
                           std::function<void()> release)
    : state_(std::make_unique<detail::ChipState>(*this, radio, sim_air, options, std::move(release))) {}

AirRadio& EmulatedChip::radio() const { return state_->radio; }
SoftLink& EmulatedChip::link() const { return state_->link; }

int EmulatedChip::gpio_level(int pin) const {
  if (!GPIO_IS_VALID_GPIO(pin)) return -1;
  std::lock_guard lk(state_->gpio.mutex);
  return state_->gpio.pads[static_cast<std::size_t>(pin)].level();
}

bool EmulatedChip::set_gpio_input(int pin, std::optional<int> level) {
  if (!GPIO_IS_VALID_GPIO(pin)) return false;
  detail::GpioPads& p = state_->gpio;
  std::lock_guard lk(p.mutex);
  detail::GpioPad& pad = p.pads[static_cast<std::size_t>(pin)];
  const int before = pad.input_level();
  pad.driven = level ? std::optional(*level ? 1 : 0) : std::nullopt;
  p.changed_locked(pin, before);  // an edge the firmware listens for raises its interrupt
  return true;
}
bool EmulatedChip::set_analog_input(int pin, std::optional<int> millivolts) {
  if (!GPIO_IS_VALID_GPIO(pin)) return false;
  std::lock_guard lk(state_->gpio.mutex);
  state_->gpio.pads[static_cast<std::size_t>(pin)].analog_mv = millivolts;
  return true;
}

std::uint64_t EmulatedChip::rx_queue_drops() const { return state_->task.rx_drops(); }
bool EmulatedChip::wait_quiet() const { return state_->task.wait_quiet(); }

EmulatedChip::~EmulatedChip() {
  if (t_selected == this) t_selected = nullptr;
  EmulatedChip* self = this;
  g_default.compare_exchange_strong(self, nullptr);
  auto release = std::move(state_->release_radio);
  state_.reset();
  if (release) release();
}

void select_chip(EmulatedChip* chip) { t_selected = chip; }

namespace detail {
EmulatedChip* chip_if_made() { return t_selected ? t_selected : g_default.load(); }

// The default chip is on the steady clock: no need to make it to know that.
Clock& current_clock() {
  EmulatedChip* chip = chip_if_made();
  return chip ? chip->state().clock : steady_clock();
}
}  // namespace detail

EmulatedChip& selected_chip() { return t_selected ? *t_selected : default_chip(); }

EmulatedChip* selected_chip_or_null() { return t_selected; }

void set_default_chip(EmulatedChip* chip) { g_default = chip; }

ScopedChip::ScopedChip(EmulatedChip* chip) : previous_(t_selected) { t_selected = chip; }
ScopedChip::~ScopedChip() { t_selected = previous_; }

}  // namespace espnow::emul

// IdfLink's multi-chip hooks (src/link/idf_link.cpp): the emulation selects
// the chip, so device code stays free of it.
extern "C" void* espnow_idf_current_chip(void) { return &espnow::emul::selected_chip(); }
extern "C" void* espnow_idf_chip_clock(void* chip) {
  return chip ? &static_cast<espnow::emul::EmulatedChip*>(chip)->state().clock : nullptr;
}
extern "C" void* espnow_idf_select_chip(void* chip) {
  void* previous = espnow::emul::t_selected;
  espnow::emul::select_chip(static_cast<espnow::emul::EmulatedChip*>(chip));
  return previous;
}
