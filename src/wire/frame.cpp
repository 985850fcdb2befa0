#include "espnow/wire/frame.hpp"

#include <algorithm>
#include <cstring>

#include "byte_order.hpp"

namespace espnow::wire {
namespace {

bool is_espressif_oui(const std::uint8_t* p) noexcept {
  return std::equal(kEspressifOui.begin(), kEspressifOui.end(), p);
}

void put_mac(std::uint8_t* p, const MacAddress& mac) noexcept {
  std::memcpy(p, mac.bytes.data(), MacAddress::size);
}

// Writes one vendor element carrying `chunk`; returns the bytes written.
std::size_t put_element(std::uint8_t* p, std::span<const std::uint8_t> chunk,
                        std::uint8_t version_byte) noexcept {
  p[0] = kElementVendor;
  p[1] = static_cast<std::uint8_t>(5 + chunk.size());
  std::memcpy(p + 2, kEspressifOui.data(), kEspressifOui.size());
  p[5] = kTypeEspNow;
  p[6] = version_byte;
  if (!chunk.empty()) std::memcpy(p + kElementOverhead, chunk.data(), chunk.size());
  return kElementOverhead + chunk.size();
}

DecodeResult fail(DecodeResult r, DecodeError e) noexcept {
  r.error = e;
  return r;
}

// Decodes the action body into `f`, whose header is already there: the one
// result is filled in place (the header is not copied from another: read
// with narrow stores and copied back wide, it stalled every reception).
DecodeError decode_elements(DecodedFrame& f, std::span<const std::uint8_t> body,
                            std::span<std::uint8_t> storage) noexcept {
  if (body.size() < kActionFixedLen + kElementOverhead) return DecodeError::too_short;
  if (body[0] != kCategoryVendor) return DecodeError::wrong_category;
  if (!is_espressif_oui(&body[1])) return DecodeError::wrong_oui;
  f.random = get_le32(&body[4]);

  std::size_t off = kActionFixedLen;
  std::size_t total = 0;
  std::span<const std::uint8_t> first;
  for (;;) {
    const std::size_t remaining = body.size() - off;
    if (remaining < 2) return DecodeError::broken_chain;  // more-data on the last
    if (body[off] != kElementVendor) return DecodeError::wrong_element_id;
    const std::size_t len = body[off + 1];
    if (len < 5 || len > remaining - 2) return DecodeError::bad_element_length;
    if (!is_espressif_oui(&body[off + 2])) return DecodeError::wrong_element_oui;
    if (body[off + 5] != kTypeEspNow) return DecodeError::wrong_element_type;
    const std::uint8_t version_byte = body[off + 6];
    const auto chunk = body.subspan(off + kElementOverhead, len - 5);
    if (f.elements == 0) {
      f.version = version_byte & 0x0F;
      first = chunk;
    } else {
      if (total + chunk.size() > kMaxMessageV2) return DecodeError::message_too_long;
      if (total + chunk.size() > storage.size()) return DecodeError::storage_too_small;
      if (f.elements == 1 && !first.empty()) std::memmove(storage.data(), first.data(), first.size());
      if (!chunk.empty()) std::memcpy(storage.data() + total, chunk.data(), chunk.size());
    }
    total += chunk.size();
    ++f.elements;
    off += 2 + len;
    const bool more = (version_byte & 0x0F) >= 2 && (version_byte & kVersionMoreData) != 0;
    if (!more) break;
  }
  // As ESP-IDF >= 5.3.2 receivers: the elements must end exactly where the frame does.
  if (off != body.size()) return DecodeError::trailing_bytes;
  f.message = f.elements == 1 ? first : std::span<const std::uint8_t>(storage.data(), total);
  return DecodeError::ok;
}

}  // namespace

std::string_view to_string(EncodeError e) noexcept {
  switch (e) {
    case EncodeError::ok: return "ok";
    case EncodeError::bad_version: return "bad version (must be 1 or 2)";
    case EncodeError::message_too_long: return "message too long for the version";
    case EncodeError::buffer_too_small: return "output buffer too small";
  }
  return "unknown";
}

std::string_view to_string(DecodeError e) noexcept {
  switch (e) {
    case DecodeError::ok: return "ok";
    case DecodeError::too_short: return "too short";
    case DecodeError::not_action: return "not a management Action frame";
    case DecodeError::wrong_category: return "wrong action category (not 127)";
    case DecodeError::wrong_oui: return "wrong action OUI (not Espressif)";
    case DecodeError::wrong_element_id: return "wrong element id (not 221)";
    case DecodeError::wrong_element_oui: return "wrong element OUI (not Espressif)";
    case DecodeError::wrong_element_type: return "wrong element type (not ESP-NOW)";
    case DecodeError::bad_element_length: return "element length inconsistent with the frame";
    case DecodeError::bad_fcs: return "bad FCS";
    case DecodeError::broken_chain: return "broken v2 element chain";
    case DecodeError::trailing_bytes:
      return "bytes after the last element (an FCS left in the frame?); ESP-IDF >= 5.3.2 drops it";
    case DecodeError::message_too_long: return "message longer than 1470 bytes";
    case DecodeError::storage_too_small: return "storage too small for the v2 message";
  }
  return "unknown";
}

EncodeResult encode(const FrameParams& params, std::span<const std::uint8_t> message,
                    std::span<std::uint8_t> out) noexcept {
  EncodeResult r;
  if (params.version != 1 && params.version != 2) {
    r.error = EncodeError::bad_version;
    return r;
  }
  const std::size_t max_len = params.version == 1 ? kMaxMessageV1 : kMaxMessageV2;
  if (message.size() > max_len) {
    r.error = EncodeError::message_too_long;
    return r;
  }
  const std::size_t size = frame_size(message.size());
  if (out.size() < size) {
    r.error = EncodeError::buffer_too_small;
    return r;
  }
  std::uint8_t* p = out.data();
  p[0] = kFrameControlAction;
  p[1] = params.retry ? kFlagRetry : 0;
  put_le16(p + 2, params.dst.is_multicast() ? 0 : unicast_duration_us(params.rate));
  put_mac(p + 4, params.dst);
  put_mac(p + 10, params.src);
  put_mac(p + 16, MacAddress::broadcast());
  put_le16(p + 22, static_cast<std::uint16_t>((params.sequence & 0x0FFF) << 4));
  p[24] = kCategoryVendor;
  std::memcpy(p + 25, kEspressifOui.data(), kEspressifOui.size());
  put_le32(p + 28, params.random);

  std::size_t off = kHeaderLen + kActionFixedLen;
  do {
    const std::size_t chunk = std::min(message.size(), kMaxElementBody);
    const bool more = message.size() > chunk;
    off += put_element(p + off, message.first(chunk),
                       static_cast<std::uint8_t>(params.version | (more ? kVersionMoreData : 0)));
    message = message.subspan(chunk);
  } while (!message.empty());

  write_fcs(out.first(size));
  r.size = size;
  return r;
}

void set_retry(std::span<std::uint8_t> frame, bool retry) noexcept {
  if (frame.size() < kHeaderLen + kFcsLen) return;
  frame[1] = static_cast<std::uint8_t>(retry ? (frame[1] | kFlagRetry) : (frame[1] & ~kFlagRetry));
  write_fcs(frame);
}

namespace {

// Fills `h` where it lies: decode() reads the header straight into its
// result (a header returned by value and copied in was written with narrow
// stores and read back wide, which stalled every reception).
void read_header_into(FrameHeader& h, std::span<const std::uint8_t, kHeaderLen> b) noexcept {
  h.fc0 = b[0];
  h.fc1 = b[1];
  h.duration = get_le16(&b[2]);
  h.dst = MacAddress::read(&b[4]);
  h.src = MacAddress::read(&b[10]);
  h.bssid = MacAddress::read(&b[16]);
  const std::uint16_t seqctl = get_le16(&b[22]);
  h.sequence = static_cast<std::uint16_t>(seqctl >> 4);
  h.fragment = static_cast<std::uint8_t>(seqctl & 0x0F);
}

}  // namespace

FrameHeader read_header(std::span<const std::uint8_t, kHeaderLen> b) noexcept {
  FrameHeader h;
  read_header_into(h, b);
  return h;
}

DecodeResult decode(std::span<const std::uint8_t> bytes, Fcs fcs,
                    std::span<std::uint8_t> storage) noexcept {
  DecodeResult r;
  const std::size_t trailer = fcs == Fcs::absent ? 0 : kFcsLen;
  if (bytes.size() < kHeaderLen + trailer) return fail(r, DecodeError::too_short);
  read_header_into(r.frame.header, bytes.first<kHeaderLen>());
  if (r.frame.header.fc0 != kFrameControlAction) return fail(r, DecodeError::not_action);
  if (fcs == Fcs::present && !fcs_ok(bytes)) return fail(r, DecodeError::bad_fcs);

  const auto body = bytes.subspan(kHeaderLen, bytes.size() - kHeaderLen - trailer);
  if (r.frame.header.is_protected()) {
    // CCMP header, at least the category byte, and the MIC.
    if (body.size() < kCcmpHeaderLen + 1 + kMicLen) return fail(r, DecodeError::too_short);
    r.frame.encrypted = true;
    r.frame.protected_body = body;
    return r;
  }
  r.error = decode_elements(r.frame, body, storage);
  return r;
}

DecodeResult decode_action_body(const FrameHeader& header, std::span<const std::uint8_t> body,
                                std::span<std::uint8_t> storage) noexcept {
  DecodeResult r;
  r.frame.header = header;
  r.error = decode_elements(r.frame, body, storage);
  return r;
}

}  // namespace espnow::wire
