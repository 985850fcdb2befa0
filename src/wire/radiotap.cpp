#include "espnow/wire/radiotap.hpp"

#include <algorithm>
#include <array>

#include "byte_order.hpp"
#include "espnow/wire/fcs.hpp"

namespace espnow::wire {
namespace {

constexpr std::uint32_t kBitTsft = 0, kBitFlags = 1, kBitRate = 2, kBitChannel = 3,
                        kBitSignal = 5, kBitTxFlags = 15;
constexpr std::uint32_t kBitRadiotapNs = 29, kBitVendorNs = 30, kBitExt = 31;

struct FieldSpec {
  std::uint8_t align;
  std::uint8_t size;
};

// Alignment and size of radiotap fields 0..27, from the radiotap field list.
constexpr std::array<FieldSpec, 28> kFieldSpecs{{
    {8, 8},   // 0 TSFT
    {1, 1},   // 1 Flags
    {1, 1},   // 2 Rate
    {2, 4},   // 3 Channel
    {1, 2},   // 4 FHSS
    {1, 1},   // 5 dBm antenna signal
    {1, 1},   // 6 dBm antenna noise
    {2, 2},   // 7 Lock quality
    {2, 2},   // 8 TX attenuation
    {2, 2},   // 9 dB TX attenuation
    {1, 1},   // 10 dBm TX power
    {1, 1},   // 11 Antenna
    {1, 1},   // 12 dB antenna signal
    {1, 1},   // 13 dB antenna noise
    {2, 2},   // 14 RX flags
    {2, 2},   // 15 TX flags
    {1, 1},   // 16 RTS retries
    {1, 1},   // 17 data retries
    {4, 8},   // 18 XChannel
    {1, 3},   // 19 MCS
    {4, 8},   // 20 A-MPDU status
    {2, 12},  // 21 VHT
    {8, 12},  // 22 timestamp
    {2, 12},  // 23 HE
    {2, 12},  // 24 HE-MU
    {2, 6},   // 25 HE-MU-other-user
    {1, 1},   // 26 0-length PSDU
    {2, 4},   // 27 L-SIG
}};

constexpr std::size_t align_up(std::size_t off, std::size_t align) {
  return (off + align - 1) & ~(align - 1);
}

// Copies a known field the first time it is seen (later radiotap namespaces
// repeat fields per antenna; the first is the one that describes the frame).
void record(RadiotapFields& f, std::uint32_t bit, const std::uint8_t* p) {
  switch (bit) {
    case kBitTsft:
      if (!f.has_tsft) {
        f.has_tsft = true;
        f.tsft_us = get_le32(p) | (static_cast<std::uint64_t>(get_le32(p + 4)) << 32);
      }
      break;
    case kBitFlags:
      if (!f.has_flags) f.has_flags = true, f.flags = p[0];
      break;
    case kBitRate:
      if (!f.has_rate) f.has_rate = true, f.rate_500kbps = p[0];
      break;
    case kBitChannel:
      if (!f.has_channel) f.has_channel = true, f.channel_mhz = get_le16(p), f.channel_flags = get_le16(p + 2);
      break;
    case kBitSignal:
      if (!f.has_signal) f.has_signal = true, f.signal_dbm = static_cast<std::int8_t>(p[0]);
      break;
    case kBitTxFlags:
      if (!f.has_tx_flags) f.has_tx_flags = true, f.tx_flags = get_le16(p);
      break;
    default:
      break;
  }
}

struct Walker {
  std::span<const std::uint8_t> bytes;
  std::size_t end;  // it_len
  std::size_t off;  // next field
  RadiotapParse& out;

  // Walks the fields announced by one bitmap word of the radiotap namespace.
  RadiotapError radiotap_word(std::uint32_t word, std::uint32_t index_in_ns) {
    for (std::uint32_t bit = 0; bit < kBitRadiotapNs; ++bit) {
      if (!(word & (1u << bit))) continue;
      const std::uint32_t field = index_in_ns * 32 + bit;
      if (field >= kFieldSpecs.size()) return RadiotapError::unknown_field;
      const FieldSpec spec = kFieldSpecs[field];
      off = align_up(off, spec.align);
      if (off + spec.size > end) return RadiotapError::truncated;
      record(out.fields, field, bytes.data() + off);
      off += spec.size;
    }
    return RadiotapError::ok;
  }

  // Reads a vendor namespace header and skips the vendor's data.
  RadiotapError vendor_namespace() {
    off = align_up(off, 2);
    if (off + 6 > end) return RadiotapError::truncated;
    const std::size_t skip = get_le16(bytes.data() + off + 4);
    off += 6 + skip;
    return off > end ? RadiotapError::truncated : RadiotapError::ok;
  }
};

}  // namespace

std::string_view to_string(RadiotapError e) noexcept {
  switch (e) {
    case RadiotapError::ok: return "ok";
    case RadiotapError::too_short: return "too short";
    case RadiotapError::bad_version: return "bad radiotap version";
    case RadiotapError::bad_length: return "radiotap length smaller than its bitmaps";
    case RadiotapError::truncated: return "radiotap field runs past the header";
    case RadiotapError::unknown_field: return "unknown radiotap field (parsed up to it)";
  }
  return "unknown";
}

RadiotapFields capture_fields(PhyRate rate, std::uint8_t channel) noexcept {
  const RateInfo& info = rate_info(rate);
  RadiotapFields f;
  f.has_flags = true, f.flags = kRadiotapFlagFcs;
  f.has_rate = info.kbps % 500 == 0, f.rate_500kbps = static_cast<std::uint8_t>(info.kbps / 500);
  f.has_channel = true, f.channel_mhz = channel_to_mhz(channel);
  f.channel_flags = static_cast<std::uint16_t>(
      kRadiotapChan2Ghz | (info.modulation == Modulation::ofdm ? kRadiotapChanOfdm : kRadiotapChanCck));
  return f;
}

std::size_t radiotap_size(const RadiotapFields& f) noexcept {
  std::size_t off = 8;
  if (f.has_tsft) off = align_up(off, 8) + 8;
  if (f.has_flags) off += 1;
  if (f.has_rate) off += 1;
  if (f.has_channel) off = align_up(off, 2) + 4;
  if (f.has_signal) off += 1;
  if (f.has_tx_flags) off = align_up(off, 2) + 2;
  return off;
}

std::size_t build_radiotap(const RadiotapFields& f, std::span<std::uint8_t> out) noexcept {
  const std::size_t len = radiotap_size(f);
  if (out.size() < len) return 0;
  std::uint8_t* p = out.data();
  for (std::size_t i = 0; i < len; ++i) p[i] = 0;  // version 0, padding zero
  std::uint32_t present = 0;
  std::size_t off = 8;
  if (f.has_tsft) {
    present |= 1u << kBitTsft;
    off = align_up(off, 8);
    put_le32(p + off, static_cast<std::uint32_t>(f.tsft_us));
    put_le32(p + off + 4, static_cast<std::uint32_t>(f.tsft_us >> 32));
    off += 8;
  }
  if (f.has_flags) present |= 1u << kBitFlags, p[off++] = f.flags;
  if (f.has_rate) present |= 1u << kBitRate, p[off++] = f.rate_500kbps;
  if (f.has_channel) {
    present |= 1u << kBitChannel;
    off = align_up(off, 2);
    put_le16(p + off, f.channel_mhz);
    put_le16(p + off + 2, f.channel_flags);
    off += 4;
  }
  if (f.has_signal) present |= 1u << kBitSignal, p[off++] = static_cast<std::uint8_t>(f.signal_dbm);
  if (f.has_tx_flags) {
    present |= 1u << kBitTxFlags;
    off = align_up(off, 2);
    put_le16(p + off, f.tx_flags);
    off += 2;
  }
  put_le16(p + 2, static_cast<std::uint16_t>(len));
  put_le32(p + 4, present);
  return len;
}

RadiotapParse parse_radiotap(std::span<const std::uint8_t> bytes) noexcept {
  RadiotapParse r;
  if (bytes.size() < 8) return r.error = RadiotapError::too_short, r;
  if (bytes[0] != 0) return r.error = RadiotapError::bad_version, r;
  const std::size_t it_len = get_le16(&bytes[2]);
  if (it_len > bytes.size()) return r.error = RadiotapError::too_short, r;
  if (it_len < 8) return r.error = RadiotapError::bad_length, r;

  // The present words come first, chained by bit 31; fields follow them.
  std::size_t words = 0;
  for (std::size_t off = 4;; off += 4) {
    if (off + 4 > it_len) return r.error = RadiotapError::bad_length, r;
    ++words;
    if (!(get_le32(&bytes[off]) & (1u << kBitExt))) break;
  }
  r.length = it_len;
  Walker w{bytes, it_len, 4 + 4 * words, r};
  bool vendor = false;
  std::uint32_t index_in_ns = 0;
  for (std::size_t i = 0; i < words; ++i) {
    const std::uint32_t word = get_le32(&bytes[4 + 4 * i]);
    if (!vendor) {
      if (const RadiotapError e = w.radiotap_word(word, index_in_ns); e != RadiotapError::ok)
        return r.error = e, r;
    }
    if (word & (1u << kBitRadiotapNs)) {
      vendor = false, index_in_ns = 0;
    } else if (word & (1u << kBitVendorNs)) {
      if (const RadiotapError e = w.vendor_namespace(); e != RadiotapError::ok) return r.error = e, r;
      vendor = true, index_in_ns = 0;
    } else {
      ++index_in_ns;
    }
  }
  return r;
}

std::string_view to_string(CaptureStatus s) noexcept {
  switch (s) {
    case CaptureStatus::ok: return "ok";
    case CaptureStatus::bad_radiotap: return "bad radiotap header";
    case CaptureStatus::bad_fcs: return "bad FCS";
    case CaptureStatus::too_short: return "frame too short";
    case CaptureStatus::too_long: return "frame too long";
  }
  return "unknown";
}

CapturedFrame read_captured(std::span<const std::uint8_t> packet, CaptureLink link,
                            std::span<std::uint8_t> storage) noexcept {
  CapturedFrame c;
  std::span<const std::uint8_t> frame = packet;
  if (link == CaptureLink::radiotap) {
    const RadiotapParse rt = parse_radiotap(packet);
    c.radiotap_error = rt.error;
    if (!rt.usable()) return c.status = CaptureStatus::bad_radiotap, c;
    c.fields = rt.fields;
    frame = packet.subspan(rt.length);
  }
  const std::uint8_t flags = c.fields.has_flags ? c.fields.flags : std::uint8_t{0};
  c.fcs_captured = (flags & kRadiotapFlagFcs) != 0;
  if (frame.size() < (c.fcs_captured ? kFcsLen + 1 : 1)) return c.status = CaptureStatus::too_short, c;
  if (flags & kRadiotapFlagBadFcs) return c.status = CaptureStatus::bad_fcs, c;
  if (c.fcs_captured) {
    if (!fcs_ok(frame)) return c.status = CaptureStatus::bad_fcs, c;
    c.frame = frame;
    return c;
  }
  if (frame.size() + kFcsLen > storage.size()) return c.status = CaptureStatus::too_long, c;
  std::copy(frame.begin(), frame.end(), storage.begin());
  c.frame = storage.first(frame.size() + kFcsLen);
  write_fcs(storage.first(c.frame.size()));
  return c;
}

}  // namespace espnow::wire
