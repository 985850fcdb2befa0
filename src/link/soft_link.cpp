#include "espnow/link/soft_link.hpp"

#include <algorithm>
#include <cstring>
#include <random>

#include "espnow/common/errors.hpp"
#include "espnow/wire/frame.hpp"

namespace espnow {
namespace {

// splitmix64: a fast, well-mixed generator for the per-frame random value.
std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Fresh per link: a device that restarts must not repeat the (sequence,
// random) pairs of its last run, or receivers would drop its frames as
// retries of ones they already have.
std::uint64_t fresh_seed(const MacAddress& mac) {
  std::uint64_t s = (static_cast<std::uint64_t>(std::random_device{}()) << 32) ^ std::random_device{}();
  for (auto b : mac.bytes) s = s * 131 + b;
  return s;
}

}  // namespace

SoftLink::SoftLink(Radio& radio, SoftLinkOptions options)
    : radio_(radio),
      delivery_(options.one_thread),
      version_(options.version >= 2 ? 2 : 1),
      options_(options),
      peers_(options.max_encrypted_peers),
      random_state_(options.seed ? options.seed : fresh_seed(radio.mac(Interface::sta))) {
  std::memcpy(pmk_.data(), kDefaultPmk, pmk_.size());
}

SoftLink::~SoftLink() {
  (void)deinit();
  if (listening_) radio_.set_listener(nullptr);  // waits for running callbacks
}

std::error_code SoftLink::init() {
  if (initialized_.exchange(true)) return {};
  delivery_.open();
  if (!listening_.exchange(true)) radio_.set_listener(this);
  return {};
}

std::error_code SoftLink::deinit() {
  if (initialized_.exchange(false)) {
    delivery_.close();  // waits for running callbacks
    std::lock_guard rl(reports_mutex_);
    stale_ = in_flight_;  // their reports belong to this activation, now ended
  }
  std::lock_guard lk(mutex_);
  peers_.clear();
  fetch_cursor_ = 0;
  std::lock_guard ck(crypto_mutex_);
  crypto_.reset();  // every slot's key and PNs go with the activation
  return {};
}

void SoftLink::register_recv_cb(RecvCallback cb, void* ctx) {
  recv_cb_ = cb;
  recv_ctx_ = ctx;
}

void SoftLink::register_send_cb(SendCallback cb, void* ctx) {
  send_cb_ = cb;
  send_ctx_ = ctx;
}

std::size_t SoftLink::max_data_len() const { return version_.load() >= 2 ? MAX_DATA_LEN_V2 : MAX_DATA_LEN; }

std::error_code SoftLink::set_protocol_version(int version) {
  if (version != 1 && version != 2) return errc::arg;
  version_ = version;
  return {};
}

std::error_code SoftLink::send(const MacAddress* dst, std::span<const std::uint8_t> data) {
  if (!initialized_) return errc::not_init;
  if (data.empty() || data.size() > max_data_len()) return errc::arg;
  if (dst) {
    PeerInfo peer;
    if (auto ec = get_peer(*dst, peer)) return ec;
    return send_one(peer, data);
  }
  // To every unicast peer: a snapshot, so the table may change meanwhile.
  std::array<PeerInfo, detail::PeerTable::kMaxPeers> targets;
  std::size_t n = 0;
  {
    std::lock_guard lk(mutex_);
    int cursor = 0;
    while (const PeerInfo* p = peers_.next_unicast(cursor)) targets[n++] = *p;
  }
  if (n == 0) return errc::not_found;
  for (std::size_t i = 0; i < n; ++i)
    if (auto ec = send_one(targets[i], data)) return ec;
  return {};
}

std::error_code SoftLink::send_one(const PeerInfo& peer, std::span<const std::uint8_t> data) {
  if (!radio_.interface_active(peer.ifidx)) return errc::intf;
  if (peer.channel != 0 && peer.channel != radio_.channel()) return errc::chan;
  wire::FrameParams params{.dst = peer.mac, .src = radio_.mac(peer.ifidx),
                           .version = static_cast<std::uint8_t>(version_.load()),
                           .rate = rate_.load()};
  {
    std::lock_guard lk(mutex_);
    params.sequence = sequence_;
    sequence_ = static_cast<std::uint16_t>((sequence_ + 1) & 0x0FFF);
    params.random = static_cast<std::uint32_t>(splitmix64(random_state_));
  }
  std::array<std::uint8_t, wire::kMaxFrameSize> frame, protected_frame;
  const auto enc = wire::encode(params, data, frame);
  if (!enc.ok()) return errc::arg;
  std::error_code ec;
  const auto out = protect_for(peer, std::span(frame).first(enc.size), protected_frame, ec);
  if (ec) return ec;
  {
    std::lock_guard rl(reports_mutex_);  // before transmit: a radio may report within it
    ++in_flight_;
  }
  ec = radio_.transmit(out, params.rate);
  if (ec) {
    std::lock_guard rl(reports_mutex_);
    --in_flight_;
  }
  return ec;
}

std::span<const std::uint8_t> SoftLink::protect_for(const PeerInfo& peer, std::span<const std::uint8_t> frame,
                                                    std::span<std::uint8_t> protected_out, std::error_code& ec) {
  if (!peer.encrypt || peer.mac.is_multicast()) return frame;
  std::lock_guard ck(crypto_mutex_);
  PeerCrypto* c = crypto_for_locked(peer.mac);
  if (!c || !c->cipher) return ec = errc::internal, frame;
  const auto r = c->cipher->protect(frame, ++c->tx_pn, protected_out);  // a new PN per frame, never reused
  if (!r.ok()) return ec = errc::internal, frame;
  return protected_out.first(r.size);
}

SoftLink::PeerCrypto* SoftLink::crypto_for_locked(const MacAddress& mac) {
  if (!crypto_) return nullptr;
  for (PeerCrypto& c : *crypto_)
    if (c.in_use && c.mac == mac) return &c;
  return nullptr;
}

// After a peer is added or modified: key its cipher from PMK and LMK, or
// drop it when the peer no longer encrypts. The transmit PN carries on.
void SoftLink::update_crypto_locked(const PeerInfo& peer) {
  std::lock_guard ck(crypto_mutex_);
  PeerCrypto* c = crypto_for_locked(peer.mac);
  if (!c && peer.encrypt) {  // a peer that has never encrypted needs no slot
    if (!crypto_) crypto_ = std::make_unique<std::array<PeerCrypto, detail::PeerTable::kMaxPeers>>();
    for (PeerCrypto& free_slot : *crypto_)
      if (!free_slot.in_use) {
        c = &free_slot;
        c->in_use = true;
        c->mac = peer.mac;
        c->tx_pn = c->rx_pn = 0;
        break;
      }
  }
  if (!c) return;
  const wire::Key128 tk = peer.encrypt ? wire::temporal_key(pmk_, peer.lmk) : wire::Key128{};
  // The same key (mod_peer of the channel, set_pmk to the same PMK) keeps the
  // replay window: resetting it would let a replayed frame in.
  if (peer.encrypt && c->cipher && c->tk == tk) return;
  c->cipher.reset();
  c->rx_seen = false;
  c->tk = tk;
  if (peer.encrypt) c->cipher.emplace(tk);
}

std::error_code SoftLink::add_peer(const PeerInfo& peer) {
  if (!initialized_) return errc::not_init;  // as esp_now_* before esp_now_init()
  std::lock_guard lk(mutex_);
  if (auto ec = peers_.add(peer)) return ec;
  update_crypto_locked(peer);
  return {};
}

std::error_code SoftLink::mod_peer(const PeerInfo& peer) {
  if (!initialized_) return errc::not_init;  // as esp_now_* before esp_now_init()
  std::lock_guard lk(mutex_);
  if (auto ec = peers_.modify(peer)) return ec;
  update_crypto_locked(peer);
  return {};
}

std::error_code SoftLink::del_peer(const MacAddress& mac) {
  if (!initialized_) return errc::not_init;  // as esp_now_* before esp_now_init()
  std::lock_guard lk(mutex_);
  if (auto ec = peers_.remove(mac)) return ec;
  std::lock_guard ck(crypto_mutex_);
  if (PeerCrypto* c = crypto_for_locked(mac)) c->in_use = false, c->cipher.reset();
  return {};
}

std::error_code SoftLink::get_peer(const MacAddress& mac, PeerInfo& out) const {
  if (!initialized_) return errc::not_init;  // as esp_now_* before esp_now_init()
  std::lock_guard lk(mutex_);
  const PeerInfo* p = peers_.find(mac);
  if (!p) return errc::not_found;
  out = *p;
  return {};
}

std::error_code SoftLink::fetch_peer(bool from_head, PeerInfo& out) {
  if (!initialized_) return errc::not_init;  // as esp_now_* before esp_now_init()
  std::lock_guard lk(mutex_);
  if (from_head) fetch_cursor_ = 0;
  const PeerInfo* p = peers_.next_unicast(fetch_cursor_);
  if (!p) return errc::not_found;
  out = *p;
  return {};
}

bool SoftLink::is_peer_exist(const MacAddress& mac) const {
  std::lock_guard lk(mutex_);
  return peers_.find(mac) != nullptr;
}

void SoftLink::set_max_encrypted_peers(int max_encrypted) {
  std::lock_guard lk(mutex_);
  peers_.set_max_encrypted(max_encrypted);
}

std::error_code SoftLink::get_peer_num(PeerCount& out) const {
  if (!initialized_) return errc::not_init;  // as esp_now_* before esp_now_init()
  std::lock_guard lk(mutex_);
  out = peers_.count();
  return {};
}

std::error_code SoftLink::set_pmk(std::span<const std::uint8_t, 16> pmk) {
  if (!initialized_) return errc::not_init;  // as esp_now_* before esp_now_init()
  std::lock_guard lk(mutex_);
  std::copy(pmk.begin(), pmk.end(), pmk_.begin());
  int cursor = 0;  // every encrypted peer's temporal key depends on the PMK
  for (const PeerInfo* p; (p = peers_.next_unicast(cursor));) update_crypto_locked(*p);
  return {};
}

Key SoftLink::pmk() const {
  std::lock_guard lk(mutex_);
  return pmk_;
}

std::error_code SoftLink::set_rate(PhyRate rate) {
  if (!rate_info(static_cast<std::uint8_t>(rate))) return errc::arg;
  rate_ = rate;
  return {};
}

LinkStats SoftLink::stats() const {
  return {counters_.rx_frames.load(),      counters_.rx_malformed.load(),    counters_.rx_not_for_us.load(),
          counters_.rx_duplicates.load(),  counters_.rx_encrypted.load(),    counters_.rx_too_long.load(),
          counters_.rx_mic_failures.load(), counters_.rx_replayed.load(),    counters_.rx_old_pn.load()};
}

bool SoftLink::addressed_to_us(const MacAddress& dst) const {
  return dst.is_broadcast() || radio_.owns(dst);
}

bool SoftLink::is_duplicate(const MacAddress& src, std::uint16_t sequence, std::uint32_t random, bool retry) {
  std::lock_guard lk(rx_mutex_);
  // The newest frame per sender; a MAC retry (retry bit set) repeats its
  // sequence and random value. A repeat without the retry bit is no retry:
  // for encrypted frames, the replay check judges it.
  auto it = std::find_if(seen_.begin(), seen_.end(), [&](const Seen& s) { return s.src == src; });
  if (retry && it != seen_.end() && it->sequence == sequence && it->random == random) return true;
  if (it == seen_.end()) {
    it = seen_.begin() + static_cast<std::ptrdiff_t>(seen_next_);
    seen_next_ = (seen_next_ + 1) % seen_.size();
  }
  *it = Seen{src, sequence, random};
  return false;
}

std::span<const std::uint8_t> SoftLink::unprotect(std::span<const std::uint8_t> frame,
                                                  std::span<std::uint8_t> plain_out, std::uint64_t& pn) {
  const MacAddress src = MacAddress::read(frame.data() + 10);
  std::lock_guard ck(crypto_mutex_);
  PeerCrypto* c = crypto_for_locked(src);
  if (!c || !c->cipher) {  // only registered encrypted peers are decrypted
    drop(counters_.rx_encrypted, DropReason::unknown_sender, src);
    return {};
  }
  const auto r = c->cipher->unprotect(frame, plain_out);
  if (!r.ok()) {
    if (r.error == wire::CcmpError::mic_failure) drop(counters_.rx_mic_failures, DropReason::mic_failure, src);
    else drop(counters_.rx_malformed, DropReason::malformed, src);
    return {};
  }
  pn = r.pn;
  return plain_out.first(r.size);
}

// After the MIC and the duplicate check: only authentic, new frames move the window.
bool SoftLink::accept_pn(const MacAddress& src, std::uint64_t pn) {
  std::lock_guard ck(crypto_mutex_);
  PeerCrypto* c = crypto_for_locked(src);
  if (!c) return false;
  if (c->rx_seen && pn <= c->rx_pn) {
    if (pn == c->rx_pn) drop(counters_.rx_replayed, DropReason::replayed, src);
    else drop(counters_.rx_old_pn, DropReason::old_pn, src);
    return false;
  }
  c->rx_pn = pn;
  c->rx_seen = true;
  return true;
}

void SoftLink::on_frame(std::span<const std::uint8_t> frame, const RxControl& rx_ctrl) {
  receive(frame, nullptr, rx_ctrl);
}

void SoftLink::on_decoded_frame(std::span<const std::uint8_t> frame, const wire::DecodeResult& decoded,
                                const RxControl& rx_ctrl) {
  receive(frame, &decoded, rx_ctrl);
}

void SoftLink::receive(std::span<const std::uint8_t> frame, const wire::DecodeResult* decoded,
                       const RxControl& rx_ctrl) {
  const detail::DeliveryGate::Pass pass(delivery_);
  if (!pass.open()) return;  // deinitialized: the radio hears it, ESP-NOW does not
  // ESP-IDF hands its ESP-NOW stack Espressif's vendor action frames only: a
  // router's beacon, a data frame, another vendor's action frame are not
  // ESP-NOW's business, nor malformed ESP-NOW frames.
  if (frame.empty() || frame[0] != wire::kFrameControlAction) return;
  std::array<std::uint8_t, wire::kMaxMessageV2> storage;
  std::array<std::uint8_t, wire::kMaxFrameSize> plain;
  // The radio checked the FCS.
  wire::DecodeResult dec = decoded ? *decoded : wire::decode(frame, wire::Fcs::trusted, storage);
  if (dec.error == wire::DecodeError::wrong_category || dec.error == wire::DecodeError::wrong_oui) return;
  if (!dec.ok()) {  // the sender, if the 802.11 header is there to name it
    drop(counters_.rx_malformed, DropReason::malformed, frame.size() >= 16 ? MacAddress::read(frame.data() + 10) : MacAddress{});
    return;
  }
  if (!addressed_to_us(dec.frame.header.dst)) {
    count(counters_.rx_not_for_us);
    return;
  }
  const bool encrypted = dec.frame.encrypted;
  std::uint64_t pn = 0;
  if (encrypted) {
    const auto clear = unprotect(frame, plain, pn);
    if (clear.empty()) return;
    dec = wire::decode(clear, wire::Fcs::absent, storage);
    if (!dec.ok()) {
      drop(counters_.rx_malformed, DropReason::malformed, MacAddress::read(frame.data() + 10));
      return;
    }
  }
  const wire::DecodedFrame& f = dec.frame;
  if (!f.header.dst.is_multicast() && is_duplicate(f.header.src, f.header.sequence, f.random, f.header.retry())) {
    count(counters_.rx_duplicates);  // a MAC retry: same PN, so before the replay check
    return;
  }
  if (encrypted && !accept_pn(f.header.src, pn)) return;
  if (f.message.size() > max_data_len()) {
    drop(counters_.rx_too_long, DropReason::too_long, f.header.src);
    return;
  }
  count(counters_.rx_frames);
  if (recv_cb_) {
    const RecvInfo ri{f.header.src, f.header.dst, rx_ctrl};
    recv_cb_(recv_ctx_, ri, f.message);
  }
}

void SoftLink::set_drop_observer(DropCallback cb, void* ctx) {
  std::lock_guard lk(drop_mutex_);
  drop_cb_ = cb;
  drop_ctx_ = ctx;
}

void SoftLink::drop(std::atomic<std::uint64_t>& counter, DropReason reason, const MacAddress& src) {
  count(counter);
  std::lock_guard lk(drop_mutex_);
  if (drop_cb_) drop_cb_(drop_ctx_, reason, src);
}

void SoftLink::on_tx_done(const MacAddress& dst, bool acked) {
  const detail::DeliveryGate::Pass pass(delivery_);
  {
    std::lock_guard rl(reports_mutex_);
    if (in_flight_ > 0) --in_flight_;
    if (stale_ > 0) {
      --stale_;  // sent before the last deinit(): not this activation's
      return;
    }
  }
  if (pass.open() && send_cb_) send_cb_(send_ctx_, dst, acked ? SendStatus::success : SendStatus::fail);
}

}  // namespace espnow
