#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "espnow/wire/fcs.hpp"
#include "espnow/wire/radiotap.hpp"

using namespace espnow::wire;

namespace {
RadiotapFields espnow_rx_fields() {
  RadiotapFields f;
  f.has_flags = true, f.flags = kRadiotapFlagFcs;
  f.has_rate = true, f.rate_500kbps = 2;
  f.has_channel = true, f.channel_mhz = 2412, f.channel_flags = kRadiotapChanCck | kRadiotapChan2Ghz;
  f.has_signal = true, f.signal_dbm = -42;
  return f;
}
void le16(std::vector<std::uint8_t>& v, std::uint16_t x) { v.push_back(x & 0xff), v.push_back(x >> 8); }
void le32(std::vector<std::uint8_t>& v, std::uint32_t x) { le16(v, x & 0xffff), le16(v, x >> 16); }
}  // namespace

TEST(Radiotap, BuildsFieldsAtTheirNaturalAlignment) {
  RadiotapFields f = espnow_rx_fields();
  f.has_tx_flags = true, f.tx_flags = kRadiotapTxNoAck;
  std::uint8_t buf[64];
  const std::size_t n = build_radiotap(f, buf);
  ASSERT_EQ(n, 18u);
  const std::vector<std::uint8_t> expected{
      0x00, 0x00, 18, 0x00,         // version, pad, length
      0x2e, 0x80, 0x00, 0x00,       // present: flags, rate, channel, signal, tx flags
      0x10,                         // flags: FCS at end
      0x02,                         // rate 1 Mbps
      0x6c, 0x09, 0xa0, 0x00,       // 2412 MHz, CCK | 2 GHz
      0xd6,                         // -42 dBm
      0x00,                         // pad to 2
      0x08, 0x00,                   // TX flags: no ACK
  };
  EXPECT_EQ(std::vector<std::uint8_t>(buf, buf + n), expected);
  std::uint8_t small[10];
  EXPECT_EQ(build_radiotap(f, small), 0u);
}

TEST(Radiotap, ParsesWhatItBuilds) {
  const RadiotapFields f = espnow_rx_fields();
  std::uint8_t buf[64];
  const std::size_t n = build_radiotap(f, buf);
  const RadiotapParse p = parse_radiotap({buf, n});
  ASSERT_EQ(p.error, RadiotapError::ok);
  EXPECT_EQ(p.length, n);
  EXPECT_EQ(p.fields.flags, kRadiotapFlagFcs);
  EXPECT_EQ(p.fields.rate_500kbps, 2);
  EXPECT_EQ(p.fields.channel_mhz, 2412);
  EXPECT_EQ(p.fields.channel_flags, 0x00a0);
  EXPECT_EQ(p.fields.signal_dbm, -42);
  EXPECT_FALSE(p.fields.has_tx_flags);
}

// Linux's multi-antenna shape: three present words, the 2nd and 3rd restarting
// the radiotap namespace, with TSFT aligned to 8 after 16 bytes of bitmaps.
TEST(Radiotap, WalksExtendedBitmapsWithAlignmentFromTheHeaderStart) {
  std::vector<std::uint8_t> h{0, 0, 0, 0};
  const std::uint32_t ext = 1u << 31, ns = 1u << 29;
  le32(h, 0x1 | 0x2 | 0x4 | 0x8 | 0x20 | 0x4000 | ext | ns);  // TSFT flags rate chan signal rxflags
  le32(h, 0x20 | 0x800 | ext | ns);                            // signal, antenna
  le32(h, 0x20 | 0x800);
  ASSERT_EQ(h.size(), 16u);
  for (int i = 0; i < 8; ++i) h.push_back(static_cast<std::uint8_t>(i + 1));  // TSFT at 16
  h.push_back(0x10);                       // flags at 24
  h.push_back(0x6c);                       // rate 54 Mbps at 25
  le16(h, 2437), le16(h, 0x00c0);          // channel at 26
  h.push_back(static_cast<std::uint8_t>(-50));  // signal at 30
  h.push_back(0);                          // pad: RX flags align 2
  le16(h, 0);                              // RX flags at 32
  h.push_back(static_cast<std::uint8_t>(-51)), h.push_back(0);  // antenna 0
  h.push_back(static_cast<std::uint8_t>(-49)), h.push_back(1);  // antenna 1
  h[2] = static_cast<std::uint8_t>(h.size());
  h.insert(h.end(), {0xd0, 0x00});  // start of the 802.11 frame

  const RadiotapParse p = parse_radiotap(h);
  ASSERT_EQ(p.error, RadiotapError::ok) << to_string(p.error);
  EXPECT_EQ(p.length, 38u);
  EXPECT_EQ(p.fields.tsft_us, 0x0807060504030201u);
  EXPECT_EQ(p.fields.flags, 0x10);
  EXPECT_EQ(p.fields.rate_500kbps, 0x6c);
  EXPECT_EQ(p.fields.channel_mhz, 2437);
  EXPECT_EQ(p.fields.signal_dbm, -50);  // the first namespace describes the frame
}

TEST(Radiotap, SkipsAVendorNamespaceByItsSkipLength) {
  std::vector<std::uint8_t> h{0, 0, 0, 0};
  le32(h, 0x2 | (1u << 30) | (1u << 31));  // flags, then a vendor namespace
  le32(h, 0x7 | (1u << 29) | (1u << 31));  // vendor bits (ignored), back to radiotap
  le32(h, 0x4);                            // rate
  h.push_back(0x10);                       // flags at 16
  h.push_back(0);                          // align 2
  h.insert(h.end(), {0x00, 0x11, 0x22, 0x01});  // vendor OUI, sub-namespace
  le16(h, 3);                              // skip length
  h.insert(h.end(), {0xAA, 0xBB, 0xCC});   // vendor data
  h.push_back(0x0c);                       // rate 6 Mbps
  h[2] = static_cast<std::uint8_t>(h.size());
  const RadiotapParse p = parse_radiotap(h);
  ASSERT_EQ(p.error, RadiotapError::ok) << to_string(p.error);
  EXPECT_EQ(p.fields.flags, 0x10);
  EXPECT_EQ(p.fields.rate_500kbps, 0x0c);
}

TEST(Radiotap, StopsSafelyAtAnUnknownFieldAndKeepsWhatItRead) {
  std::vector<std::uint8_t> h{0, 0, 0, 0};
  le32(h, 0x2 | (1u << 28));  // flags, then a TLV field it cannot size
  h.push_back(0x10);
  h.insert(h.end(), {9, 9, 9, 9});
  h[2] = static_cast<std::uint8_t>(h.size());
  const RadiotapParse p = parse_radiotap(h);
  EXPECT_EQ(p.error, RadiotapError::unknown_field);
  EXPECT_TRUE(p.usable());
  EXPECT_EQ(p.length, h.size());
  EXPECT_TRUE(p.fields.has_flags);
  EXPECT_EQ(p.fields.flags, 0x10);

  std::vector<std::uint8_t> h2{0, 0, 0, 0};
  le32(h2, 0x2 | (1u << 31));  // extended bitmap in the radiotap namespace:
  le32(h2, 0x1);               // field 32 is not defined
  h2.push_back(0x10);
  h2[2] = static_cast<std::uint8_t>(h2.size());
  EXPECT_EQ(parse_radiotap(h2).error, RadiotapError::unknown_field);
}

TEST(Radiotap, RejectsMalformedHeaders) {
  const std::uint8_t short_hdr[] = {0, 0, 8, 0};
  EXPECT_EQ(parse_radiotap(short_hdr).error, RadiotapError::too_short);
  const std::uint8_t bad_version[] = {1, 0, 8, 0, 0, 0, 0, 0};
  EXPECT_EQ(parse_radiotap(bad_version).error, RadiotapError::bad_version);
  const std::uint8_t len_past_data[] = {0, 0, 40, 0, 0, 0, 0, 0};
  EXPECT_EQ(parse_radiotap(len_past_data).error, RadiotapError::too_short);
  const std::uint8_t endless_bitmaps[] = {0, 0, 12, 0, 0, 0, 0, 0x80, 0, 0, 0, 0x80};
  EXPECT_EQ(parse_radiotap(endless_bitmaps).error, RadiotapError::bad_length);
  const std::uint8_t truncated_channel[] = {0, 0, 10, 0, 0x08, 0, 0, 0, 0x6c, 0x09};
  EXPECT_EQ(parse_radiotap(truncated_channel).error, RadiotapError::truncated);
  EXPECT_FALSE(parse_radiotap(truncated_channel).usable());
}

TEST(Radiotap, NoPrefixReadsOutOfBounds) {
  std::uint8_t buf[64];
  RadiotapFields f = espnow_rx_fields();
  f.has_tsft = true, f.has_tx_flags = true;
  const std::size_t n = build_radiotap(f, buf);
  for (std::size_t k = 0; k <= n; ++k) {
    std::vector<std::uint8_t> copy(buf, buf + k);
    (void)parse_radiotap(copy);
  }
}

// ---- read_captured: radiotap + frame, FCS or not, as drivers write them.

namespace {
// A frame with its FCS, shaped like any 802.11 frame (the reader never decodes it).
std::vector<std::uint8_t> frame_with_fcs() {
  std::vector<std::uint8_t> f{0xd0, 0x00, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0x7f, 0x18, 0xfe, 0x34, 0, 0, 0, 0};
  f.resize(f.size() + espnow::wire::kFcsLen);
  write_fcs(f);
  return f;
}
// Radiotap (rate, channel, signal; Flags only if given) in front of `frame`.
std::vector<std::uint8_t> captured(std::vector<std::uint8_t> frame, std::optional<std::uint8_t> flags) {
  RadiotapFields f = espnow_rx_fields();
  f.has_flags = flags.has_value(), f.flags = flags.value_or(0);
  std::vector<std::uint8_t> packet(radiotap_size(f));
  build_radiotap(f, packet);
  packet.insert(packet.end(), frame.begin(), frame.end());
  return packet;
}
// erase, not resize: GCC's -O1 sanitizer build misreads a shrinking resize as
// a huge memset (-Wstringop-overflow).
std::vector<std::uint8_t> without_fcs(std::vector<std::uint8_t> f) {
  if (f.size() >= espnow::wire::kFcsLen) f.erase(f.end() - espnow::wire::kFcsLen, f.end());
  return f;
}
std::vector<std::uint8_t> bytes_of(std::span<const std::uint8_t> s) { return {s.begin(), s.end()}; }
}  // namespace

// Most drivers strip the FCS and write no Flags field, or Flags with the FCS
// bit clear: the frame has no FCS, and the reader gives it one.
TEST(ReadCaptured, AFrameWithoutTheFcsFlagHasNoFcsAndGetsOneComputed) {
  const auto frame = frame_with_fcs();
  std::vector<std::uint8_t> storage(4096);
  for (std::optional<std::uint8_t> flags : {std::optional<std::uint8_t>{}, std::optional<std::uint8_t>{0x02}}) {
    const CapturedFrame c = read_captured(captured(without_fcs(frame), flags), CaptureLink::radiotap, storage);
    ASSERT_TRUE(c.ok()) << to_string(c.status);
    EXPECT_EQ(bytes_of(c.frame), frame);
    EXPECT_FALSE(c.fcs_captured);
    EXPECT_EQ(c.fields.channel_mhz, 2412);
  }
}

TEST(ReadCaptured, TheFcsFlagMeansTheFrameEndsWithAnFcsThatIsChecked) {
  auto frame = frame_with_fcs();
  std::vector<std::uint8_t> storage(4096);
  const auto packet = captured(frame, kRadiotapFlagFcs);
  const CapturedFrame c = read_captured(packet, CaptureLink::radiotap, storage);
  ASSERT_TRUE(c.ok()) << to_string(c.status);
  EXPECT_EQ(bytes_of(c.frame), frame);
  EXPECT_TRUE(c.fcs_captured);
  EXPECT_EQ(c.frame.data(), packet.data() + packet.size() - frame.size());  // no copy
  frame.back() ^= 0xff;
  EXPECT_EQ(read_captured(captured(frame, kRadiotapFlagFcs), CaptureLink::radiotap, storage).status,
            CaptureStatus::bad_fcs);
}

// Flags bit 0x40: the driver received it with a bad FCS, whether it kept the FCS or not.
TEST(ReadCaptured, AFrameTheDriverFlaggedWithABadFcsIsBad) {
  const auto frame = frame_with_fcs();
  std::vector<std::uint8_t> storage(4096);
  EXPECT_EQ(read_captured(captured(without_fcs(frame), kRadiotapFlagBadFcs), CaptureLink::radiotap, storage).status,
            CaptureStatus::bad_fcs);
  EXPECT_EQ(read_captured(captured(frame, kRadiotapFlagFcs | kRadiotapFlagBadFcs), CaptureLink::radiotap, storage).status,
            CaptureStatus::bad_fcs);
}

// Link type 105: the bare frame, no radiotap header, no FCS.
TEST(ReadCaptured, LinkType105IsTheBareFrameWithoutFcs) {
  const auto frame = frame_with_fcs();
  std::vector<std::uint8_t> storage(4096);
  const CapturedFrame c = read_captured(without_fcs(frame), CaptureLink::ieee80211, storage);
  ASSERT_TRUE(c.ok()) << to_string(c.status);
  EXPECT_EQ(bytes_of(c.frame), frame);
  EXPECT_FALSE(c.fields.has_flags || c.fields.has_channel || c.fields.has_signal);
  EXPECT_TRUE(is_capture_link(105) && is_capture_link(127) && !is_capture_link(1));
}

TEST(ReadCaptured, RefusesWhatItCannotRead) {
  std::vector<std::uint8_t> storage(4096);
  const std::uint8_t bad_version[] = {1, 0, 8, 0, 0, 0, 0, 0, 0xd0};
  const CapturedFrame c = read_captured(bad_version, CaptureLink::radiotap, storage);
  EXPECT_EQ(c.status, CaptureStatus::bad_radiotap);
  EXPECT_EQ(c.radiotap_error, RadiotapError::bad_version);
  EXPECT_EQ(read_captured(captured({}, {}), CaptureLink::radiotap, storage).status, CaptureStatus::too_short);
  EXPECT_EQ(read_captured(captured({1, 2, 3}, kRadiotapFlagFcs), CaptureLink::radiotap, storage).status,
            CaptureStatus::too_short);
  std::vector<std::uint8_t> small(without_fcs(frame_with_fcs()).size() + 3);
  EXPECT_EQ(read_captured(captured(without_fcs(frame_with_fcs()), {}), CaptureLink::radiotap, small).status,
            CaptureStatus::too_long);
  EXPECT_EQ(to_string(CaptureStatus::bad_fcs), "bad FCS");
}

TEST(ReadCaptured, NoPrefixReadsOutOfBounds) {
  std::vector<std::uint8_t> storage(4096);
  for (std::optional<std::uint8_t> flags : {std::optional<std::uint8_t>{}, std::optional<std::uint8_t>{kRadiotapFlagFcs}}) {
    const auto packet = captured(frame_with_fcs(), flags);
    for (std::size_t k = 0; k <= packet.size(); ++k) {
      const std::vector<std::uint8_t> copy(packet.begin(), packet.begin() + static_cast<std::ptrdiff_t>(k));
      for (CaptureLink link : {CaptureLink::radiotap, CaptureLink::ieee80211}) (void)read_captured(copy, link, storage);
    }
  }
}

TEST(Radiotap, CaptureFieldsGiveTheRateOnlyWhere500KbpsStepsHoldIt) {
  // The devices' pcap (host::AirPcap) wrote LR 250K as a rate of 0 Mb/s.
  const RadiotapFields lr250 = capture_fields(espnow::PhyRate::lora_250k, 1);
  EXPECT_FALSE(lr250.has_rate);
  const RadiotapFields lr500 = capture_fields(espnow::PhyRate::lora_500k, 1);
  EXPECT_TRUE(lr500.has_rate);
  EXPECT_EQ(lr500.rate_500kbps, 1);
  const RadiotapFields cck = capture_fields(espnow::PhyRate::r1m, 14);
  EXPECT_TRUE(cck.has_rate && cck.has_flags && cck.has_channel);
  EXPECT_EQ(cck.rate_500kbps, 2);
  EXPECT_EQ(cck.flags, kRadiotapFlagFcs);
  EXPECT_EQ(cck.channel_mhz, 2484);
  EXPECT_EQ(cck.channel_flags, kRadiotapChan2Ghz | kRadiotapChanCck);
  const RadiotapFields ofdm = capture_fields(espnow::PhyRate::r54m, 6);
  EXPECT_EQ(ofdm.rate_500kbps, 108);
  EXPECT_EQ(ofdm.channel_mhz, 2437);
  EXPECT_EQ(ofdm.channel_flags, kRadiotapChan2Ghz | kRadiotapChanOfdm);
}
