// The ESP-NOW frame codec against SPEC §4.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <memory>
#include <numeric>
#include <random>
#include <vector>

#include "espnow/wire/frame.hpp"

using namespace espnow;
using namespace espnow::literals;
using namespace espnow::wire;

namespace {

constexpr MacAddress kSrc = "24:0a:c4:11:22:33"_mac;
constexpr MacAddress kDst = "24:0a:c4:aa:bb:cc"_mac;

std::vector<std::uint8_t> pattern(std::size_t n) {
  std::vector<std::uint8_t> v(n);
  std::iota(v.begin(), v.end(), std::uint8_t{7});
  return v;
}

std::vector<std::uint8_t> encode_frame(const FrameParams& p, std::span<const std::uint8_t> msg) {
  std::vector<std::uint8_t> out(kMaxFrameSize);
  const EncodeResult r = encode(p, msg, out);
  EXPECT_TRUE(r.ok()) << to_string(r.error);
  out.resize(r.size);
  return out;
}

FrameParams unicast(std::uint8_t version = 1) {
  return FrameParams{.dst = kDst, .src = kSrc, .sequence = 0x123, .random = 0xdeadbeef, .version = version};
}

// Decodes from an exactly-sized heap copy, so AddressSanitizer sees any overread.
DecodeResult decode_exact(std::span<const std::uint8_t> bytes, Fcs fcs, std::vector<std::uint8_t>& storage) {
  static std::unique_ptr<std::uint8_t[]> copy;
  copy = std::make_unique<std::uint8_t[]>(bytes.size());
  std::copy(bytes.begin(), bytes.end(), copy.get());
  return decode({copy.get(), bytes.size()}, fcs, storage);
}

}  // namespace

TEST(Frame, ReferenceUnicastFrameMatchesSpecTableByteForByte) {
  // Written by hand from SPEC §4; FCS computed independently (Python binascii.crc32).
  const std::vector<std::uint8_t> expected{
      0xD0, 0x00,                          // frame control: management Action
      0x3A, 0x01,                          // duration 314 us (SIFS + ACK at 1 Mbps)
      0x24, 0x0a, 0xc4, 0xaa, 0xbb, 0xcc,  // A1 destination
      0x24, 0x0a, 0xc4, 0x11, 0x22, 0x33,  // A2 source
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  // A3 broadcast BSSID
      0x50, 0x00,                          // sequence 5 << 4
      0x7F, 0x18, 0xFE, 0x34,              // category 127, Espressif OUI
      0x78, 0x56, 0x34, 0x12,              // random value
      0xDD, 0x07, 0x18, 0xFE, 0x34, 0x04, 0x01,  // element 221, len 5+2, OUI, type 4, v1
      0x68, 0x69,                          // "hi"
      0x8a, 0x29, 0x51, 0x6b,              // FCS
  };
  const std::uint8_t hi[] = {'h', 'i'};
  FrameParams p{.dst = kDst, .src = kSrc, .sequence = 5, .random = 0x12345678, .version = 1};
  EXPECT_EQ(encode_frame(p, hi), expected);
}

TEST(Frame, ReferenceBroadcastFrameHasZeroDuration) {
  const std::vector<std::uint8_t> expected{
      0xD0, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x24, 0x0a, 0xc4, 0x11,
      0x22, 0x33, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x10, 0x00, 0x7F, 0x18, 0xFE, 0x34,
      0xef, 0xbe, 0xad, 0xde, 0xDD, 0x05, 0x18, 0xFE, 0x34, 0x04, 0x01, 0xf4, 0x9e, 0x3a, 0xdd};
  FrameParams p{.dst = MacAddress::broadcast(), .src = kSrc, .sequence = 1, .random = 0xdeadbeef};
  EXPECT_EQ(encode_frame(p, {}), expected);
}

struct RoundTripCase {
  std::uint8_t version;
  bool broadcast;
  bool retry;
  std::size_t size;
};

class FrameRoundTrip : public ::testing::TestWithParam<RoundTripCase> {};

TEST_P(FrameRoundTrip, DecodesWhatItEncodes) {
  const auto c = GetParam();
  FrameParams p = unicast(c.version);
  if (c.broadcast) p.dst = MacAddress::broadcast();
  p.retry = c.retry;
  const auto msg = pattern(c.size);
  const auto frame = encode_frame(p, msg);
  ASSERT_EQ(frame.size(), frame_size(c.size));

  std::vector<std::uint8_t> storage(kMaxMessageV2);
  const DecodeResult r = decode_exact(frame, Fcs::present, storage);
  ASSERT_TRUE(r.ok()) << to_string(r.error);
  const DecodedFrame& f = r.frame;
  EXPECT_EQ(f.header.dst, p.dst);
  EXPECT_EQ(f.header.src, kSrc);
  EXPECT_EQ(f.header.bssid, MacAddress::broadcast());
  EXPECT_EQ(f.header.sequence, 0x123);
  EXPECT_EQ(f.header.fragment, 0);
  EXPECT_EQ(f.header.retry(), c.retry);
  EXPECT_FALSE(f.encrypted);
  EXPECT_EQ(f.header.duration, c.broadcast ? 0 : 314);
  EXPECT_EQ(f.random, 0xdeadbeefu);
  EXPECT_EQ(f.version, c.version);
  EXPECT_EQ(f.elements, element_count(c.size));
  EXPECT_TRUE(std::equal(f.message.begin(), f.message.end(), msg.begin(), msg.end()));

  // Without the FCS too.
  const auto no_fcs = std::span(frame).first(frame.size() - kFcsLen);
  const DecodeResult r2 = decode_exact(no_fcs, Fcs::absent, storage);
  ASSERT_TRUE(r2.ok()) << to_string(r2.error);
  EXPECT_EQ(r2.frame.message.size(), c.size);
}

std::vector<RoundTripCase> round_trip_cases() {
  std::vector<RoundTripCase> cases;
  for (std::uint8_t version : {1, 2})
    for (bool broadcast : {false, true})
      for (bool retry : {false, true})
        for (std::size_t size : {0u, 1u, 249u, 250u, 251u, 500u, 1470u})
          if (version == 2 || size <= 250) cases.push_back({version, broadcast, retry, size});
  return cases;
}

INSTANTIATE_TEST_SUITE_P(AllSizes, FrameRoundTrip, ::testing::ValuesIn(round_trip_cases()),
                         [](const auto& param_info) {
                           const auto& c = param_info.param;
                           return "v" + std::to_string(c.version) + (c.broadcast ? "_broadcast" : "_unicast") +
                                  (c.retry ? "_retry_" : "_") + std::to_string(c.size);
                         });

TEST(Frame, RefusesMessagesOverTheVersionLimit) {
  std::vector<std::uint8_t> out(kMaxFrameSize + 16);
  EXPECT_EQ(encode(unicast(2), pattern(1471), out).error, EncodeError::message_too_long);
  EXPECT_EQ(encode(unicast(1), pattern(1471), out).error, EncodeError::message_too_long);
  EXPECT_EQ(encode(unicast(1), pattern(251), out).error, EncodeError::message_too_long);
  EXPECT_EQ(encode(unicast(3), pattern(1), out).error, EncodeError::bad_version);
  std::vector<std::uint8_t> small(frame_size(10) - 1);
  EXPECT_EQ(encode(unicast(1), pattern(10), small).error, EncodeError::buffer_too_small);
}

TEST(Frame, V2ChainSetsMoreDataOnEveryElementButTheLast) {
  const auto frame = encode_frame(unicast(2), pattern(600));  // 250 + 250 + 100
  std::size_t off = kHeaderLen + kActionFixedLen;
  const std::uint8_t expected_versions[] = {0x12, 0x12, 0x02};
  for (std::uint8_t v : expected_versions) {
    ASSERT_EQ(frame[off], kElementVendor);
    EXPECT_EQ(frame[off + 6], v);
    off += 2 + frame[off + 1];
  }
  EXPECT_EQ(off + kFcsLen, frame.size());
}

TEST(Frame, SingleElementMessageIsAZeroCopyView) {
  const auto frame = encode_frame(unicast(2), pattern(200));
  const DecodeResult r = decode(frame, Fcs::present);
  ASSERT_TRUE(r.ok());
  EXPECT_GE(r.frame.message.data(), frame.data());
  EXPECT_LT(r.frame.message.data(), frame.data() + frame.size());
}

TEST(Frame, ChainedMessageNeedsStorage) {
  const auto frame = encode_frame(unicast(2), pattern(251));
  std::vector<std::uint8_t> small(250);
  EXPECT_EQ(decode(frame, Fcs::present, small).error, DecodeError::storage_too_small);
  EXPECT_EQ(decode(frame, Fcs::present).error, DecodeError::storage_too_small);
}

TEST(Frame, SetRetryFlipsTheBitAndKeepsTheFcsValid) {
  auto frame = encode_frame(unicast(1), pattern(10));
  set_retry(frame, true);
  EXPECT_EQ(frame[1], kFlagRetry);
  const DecodeResult r = decode(frame, Fcs::present);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.frame.header.retry());
}

TEST(Frame, ProtectedFrameDecodesItsHeaderAndIsReportedEncrypted) {
  auto frame = encode_frame(unicast(1), pattern(20));
  // Turn it into the shape of a CCMP frame: D0 40, 8-byte CCMP header, MIC.
  std::vector<std::uint8_t> prot(frame.begin(), frame.begin() + kHeaderLen);
  prot[1] = kFlagProtected;
  const std::uint8_t ccmp[] = {1, 0, 0, 0xE0, 0, 0, 0, 0};
  prot.insert(prot.end(), std::begin(ccmp), std::end(ccmp));
  prot.insert(prot.end(), frame.begin() + kHeaderLen, frame.end() - kFcsLen);
  prot.insert(prot.end(), kMicLen, 0xAA);
  prot.resize(prot.size() + kFcsLen);
  write_fcs(prot);
  const DecodeResult r = decode(prot, Fcs::present);
  ASSERT_TRUE(r.ok()) << to_string(r.error);
  EXPECT_TRUE(r.frame.encrypted);
  EXPECT_EQ(r.frame.header.src, kSrc);
  EXPECT_EQ(r.frame.header.dst, kDst);
  EXPECT_EQ(r.frame.protected_body.size(), kCcmpHeaderLen + action_body_size(20) + kMicLen);
  EXPECT_TRUE(r.frame.message.empty());
}

// --- One test per reject reason, each by corrupting a good frame. ---

namespace {
// A good v1 frame with 10 bytes of message; `corrupt` edits it, then the FCS
// is recomputed so that only the intended defect remains.
DecodeError corrupted(const std::function<void(std::vector<std::uint8_t>&)>& corrupt, std::uint8_t version = 1,
                      std::size_t size = 10) {
  auto frame = encode_frame(unicast(version), pattern(size));
  corrupt(frame);
  write_fcs(frame);
  std::vector<std::uint8_t> storage(kMaxMessageV2);
  return decode_exact(frame, Fcs::present, storage).error;
}
constexpr std::size_t kElem = kHeaderLen + kActionFixedLen;  // first element
}  // namespace

TEST(FrameReject, TooShort) {
  const auto frame = encode_frame(unicast(1), pattern(10));
  std::vector<std::uint8_t> storage;
  EXPECT_EQ(decode_exact(std::span(frame).first(20), Fcs::present, storage).error, DecodeError::too_short);
  EXPECT_EQ(corrupted([](auto& f) { f.resize(kHeaderLen + 10 + kFcsLen); }), DecodeError::too_short);
}
TEST(FrameReject, NotAnActionFrame) {
  EXPECT_EQ(corrupted([](auto& f) { f[0] = 0x80; }), DecodeError::not_action);  // beacon
}
TEST(FrameReject, WrongCategory) {
  EXPECT_EQ(corrupted([](auto& f) { f[24] = 4; }), DecodeError::wrong_category);
}
TEST(FrameReject, WrongActionOui) {
  EXPECT_EQ(corrupted([](auto& f) { f[26] = 0x00; }), DecodeError::wrong_oui);
}
TEST(FrameReject, WrongElementId) {
  EXPECT_EQ(corrupted([](auto& f) { f[kElem] = 220; }), DecodeError::wrong_element_id);
}
TEST(FrameReject, WrongElementOui) {
  EXPECT_EQ(corrupted([](auto& f) { f[kElem + 4] = 0x35; }), DecodeError::wrong_element_oui);
}
TEST(FrameReject, WrongElementType) {
  EXPECT_EQ(corrupted([](auto& f) { f[kElem + 5] = 5; }), DecodeError::wrong_element_type);
}
TEST(FrameReject, ElementLengthPastTheFrame) {
  EXPECT_EQ(corrupted([](auto& f) { f[kElem + 1] = 200; }), DecodeError::bad_element_length);
}
TEST(FrameReject, ElementLengthBelowItsOwnHeader) {
  EXPECT_EQ(corrupted([](auto& f) { f[kElem + 1] = 4; }), DecodeError::bad_element_length);
}
TEST(FrameReject, BadFcs) {
  auto frame = encode_frame(unicast(1), pattern(10));
  frame[40] ^= 0x01;
  EXPECT_EQ(decode(frame, Fcs::present).error, DecodeError::bad_fcs);
}
TEST(FrameReject, MoreDataOnTheLastElementBreaksTheChain) {
  EXPECT_EQ(corrupted([](auto& f) { f[kElem + 6] = 0x12; }, 2), DecodeError::broken_chain);
}
TEST(FrameReject, DataAfterTheFinalElementIsRefusedAsIdf532Does) {
  EXPECT_EQ(corrupted([](auto& f) { f.insert(f.end() - kFcsLen, {0xDD, 0x05, 0x18, 0xFE, 0x34, 0x04, 0x02}); }, 2),
            DecodeError::trailing_bytes);
  EXPECT_EQ(corrupted([](auto& f) { f.insert(f.end() - kFcsLen, 0x00); }, 1), DecodeError::trailing_bytes);
}
// A Linux injector that leaves its FCS in the frame: the driver appends a
// second one, so the elements end 4 bytes before the frame does. ESP-IDF
// >= 5.3.2 drops it (SPEC §4 "Element length"); so must we, v1 and v2 alike.
TEST(FrameReject, AnFcsLeftInTheFrameByTheInjectorMakesItFourBytesTooLong) {
  for (auto [version, size] : {std::pair{1, 10}, std::pair{1, 250}, std::pair{2, 600}}) {
    auto frame = encode_frame(unicast(static_cast<std::uint8_t>(version)), pattern(static_cast<std::size_t>(size)));
    frame.resize(frame.size() + kFcsLen);
    write_fcs(frame);  // the driver's FCS after ours
    std::vector<std::uint8_t> storage(kMaxMessageV2);
    EXPECT_EQ(decode_exact(frame, Fcs::trusted, storage).error, DecodeError::trailing_bytes) << "v" << version;
    EXPECT_EQ(decode_exact(frame, Fcs::present, storage).error, DecodeError::trailing_bytes) << "v" << version;
  }
}
// The workaround of ESPythoNOW#11: an element length that covers the 4 bytes
// makes the frame exact again, and the 4 bytes part of the message.
TEST(Frame, AnElementLengthCoveringTheExtraBytesIsExactAgain) {
  auto frame = encode_frame(unicast(1), pattern(10));
  frame[kElem + 1] = static_cast<std::uint8_t>(frame[kElem + 1] + kFcsLen);
  frame.resize(frame.size() + kFcsLen);
  write_fcs(frame);
  std::vector<std::uint8_t> storage(kMaxMessageV2);
  const DecodeResult r = decode_exact(frame, Fcs::present, storage);
  ASSERT_TRUE(r.ok()) << to_string(r.error);
  EXPECT_EQ(r.frame.message.size(), 10u + kFcsLen);
}
TEST(FrameReject, MessageOver1470Bytes) {
  // Six full elements: 1500 bytes, which no encoder produces.
  auto frame = encode_frame(unicast(2), pattern(1470));
  frame.resize(frame.size() - kFcsLen);
  const std::size_t last = frame.size() - (kElementOverhead + 220);
  frame[last + 6] = 0x12;                   // more data
  frame.insert(frame.end(), {0xDD, 255, 0x18, 0xFE, 0x34, 0x04, 0x02});
  frame.resize(frame.size() + 250, 0x55);
  std::vector<std::uint8_t> storage(4096);
  EXPECT_EQ(decode(frame, Fcs::absent, storage).error, DecodeError::message_too_long);
}

TEST(FrameReject, ReasonsHaveReadableNames) {
  EXPECT_EQ(to_string(DecodeError::bad_fcs), "bad FCS");
  EXPECT_EQ(to_string(DecodeError::broken_chain), "broken v2 element chain");
  EXPECT_NE(to_string(DecodeError::trailing_bytes).find("ESP-IDF >= 5.3.2 drops it"), std::string_view::npos);
  EXPECT_EQ(to_string(EncodeError::message_too_long), "message too long for the version");
}

// Every prefix and many random mutations of valid frames, each decoded from an
// exactly-sized heap buffer: under AddressSanitizer any overread fails the test.
TEST(FrameSafety, NoPrefixOrMutationReadsOutOfBounds) {
  std::mt19937 rng(1234);
  std::vector<std::uint8_t> storage(kMaxMessageV2);
  for (std::size_t size : {0u, 1u, 250u, 251u, 1470u}) {
    const auto frame = encode_frame(unicast(2), pattern(size));
    for (std::size_t n = 0; n <= frame.size(); ++n) {
      (void)decode_exact(std::span(frame).first(n), Fcs::present, storage);
      (void)decode_exact(std::span(frame).first(n), Fcs::absent, storage);
    }
    for (int i = 0; i < 2000; ++i) {
      auto m = frame;
      const int flips = 1 + static_cast<int>(rng() % 4);
      for (int k = 0; k < flips; ++k) m[rng() % m.size()] = static_cast<std::uint8_t>(rng());
      m.resize(rng() % (m.size() + 1));
      const DecodeResult r = decode_exact(m, Fcs::absent, storage);
      if (r.ok()) {
        EXPECT_LE(r.frame.message.size(), kMaxMessageV2);
      }
    }
  }
}

TEST(Frame, TrustedFcsIsStrippedWithoutBeingVerified) {
  auto frame = encode_frame(unicast(1), pattern(10));
  frame.back() ^= 0xFF;  // a radio that verified it would not have delivered this
  EXPECT_EQ(decode(frame, Fcs::present).error, DecodeError::bad_fcs);
  const DecodeResult r = decode(frame, Fcs::trusted);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.frame.message.size(), 10u);
}
