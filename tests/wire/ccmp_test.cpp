// CCMP: round trips and every way a protected frame can fail.
#include <gtest/gtest.h>

#include <functional>
#include <random>
#include <vector>

#include "espnow/wire/ccmp.hpp"

using namespace espnow;
using namespace espnow::literals;
using namespace espnow::wire;

namespace {

Key128 random_key(std::mt19937& rng) {
  Key128 k;
  for (auto& b : k) b = static_cast<std::uint8_t>(rng());
  return k;
}

std::vector<std::uint8_t> plain_frame(std::size_t size, std::uint8_t version = 1) {
  std::vector<std::uint8_t> msg(size);
  for (std::size_t i = 0; i < size; ++i) msg[i] = static_cast<std::uint8_t>(i * 13 + 1);
  std::vector<std::uint8_t> f(kMaxFrameSize);
  f.resize(encode({.dst = "02:00:00:00:00:0b"_mac, .src = "02:00:00:00:00:0a"_mac, .sequence = 77,
                   .random = 0xabcdef01, .version = version}, msg, f).size);
  return f;
}

}  // namespace

TEST(Ccmp, RoundTripsAtSizes1And250And1470WithRandomKeys) {
  std::mt19937 rng(11);
  for (std::size_t size : {1u, 250u, 1470u}) {
    const Key128 tk = temporal_key(random_key(rng), random_key(rng));
    CcmpCipher c(tk);
    const auto plain = plain_frame(size, size > 250 ? 2 : 1);
    std::vector<std::uint8_t> prot(kMaxFrameSize), back(kMaxFrameSize);
    const auto p = c.protect(plain, 0x0000123456789AULL, prot);
    ASSERT_TRUE(p.ok()) << to_string(p.error);
    ASSERT_EQ(p.size, plain.size() + kCcmpOverhead);
    EXPECT_EQ(prot[0], 0xD0);
    EXPECT_EQ(prot[1], 0x40);
    EXPECT_TRUE(fcs_ok(std::span(prot).first(p.size)));
    const auto d = decode(std::span(prot).first(p.size), Fcs::present);
    ASSERT_TRUE(d.ok());
    EXPECT_TRUE(d.frame.encrypted);
    const auto u = c.unprotect(std::span(prot).first(p.size), back);
    ASSERT_TRUE(u.ok()) << to_string(u.error);
    EXPECT_EQ(u.pn, 0x0000123456789AULL);
    ASSERT_EQ(u.size, plain.size() - kFcsLen);  // the plaintext has no FCS
    EXPECT_TRUE(std::equal(back.begin(), back.begin() + u.size, plain.begin()));
  }
}

TEST(Ccmp, HeaderCarriesThePnWithExtIvAndKeyId3) {
  CcmpCipher c(Key128{});
  const auto plain = plain_frame(10);
  std::vector<std::uint8_t> prot(kMaxFrameSize);
  ASSERT_TRUE(c.protect(plain, 0x0A0B0C0D0E0FULL, prot).ok());
  const std::uint8_t expected[8] = {0x0F, 0x0E, 0x00, 0xE0, 0x0D, 0x0C, 0x0B, 0x0A};
  EXPECT_TRUE(std::equal(std::begin(expected), std::end(expected), prot.begin() + kHeaderLen));
  std::uint64_t pn = 0;
  ASSERT_TRUE(read_pn(prot, pn));
  EXPECT_EQ(pn, 0x0A0B0C0D0E0FULL);
}

TEST(Ccmp, TheRetryBitIsOutsideTheMic) {
  CcmpCipher c(Key128{1});
  const auto plain = plain_frame(20);
  std::vector<std::uint8_t> prot(kMaxFrameSize), back(kMaxFrameSize);
  const auto p = c.protect(plain, 5, prot);
  prot.resize(p.size);
  set_retry(prot, true);  // what a MAC retry does
  EXPECT_TRUE(c.unprotect(prot, back).ok());
}

namespace {
CcmpError tampered(const std::function<void(std::vector<std::uint8_t>&)>& edit, const Key128& rx_key = Key128{7}) {
  CcmpCipher tx(Key128{7}), rx(rx_key);
  const auto plain = plain_frame(40);
  std::vector<std::uint8_t> prot(kMaxFrameSize), back(kMaxFrameSize);
  prot.resize(tx.protect(plain, 9, prot).size);
  edit(prot);
  return rx.unprotect(prot, back).error;
}
}  // namespace

TEST(CcmpReject, AFlippedCiphertextBitFailsTheMic) {
  EXPECT_EQ(tampered([](auto& f) { f[kHeaderLen + kCcmpHeaderLen + 3] ^= 0x01; }), CcmpError::mic_failure);
}
TEST(CcmpReject, AFlippedMicBitFailsTheMic) {
  EXPECT_EQ(tampered([](auto& f) { f[f.size() - kFcsLen - 1] ^= 0x80; }), CcmpError::mic_failure);
}
TEST(CcmpReject, AnAlteredAddressFailsTheMic) {
  EXPECT_EQ(tampered([](auto& f) { f[10] ^= 0x02; }), CcmpError::mic_failure);  // A2 is in nonce and AAD
}
TEST(CcmpReject, AWrongKeyFailsTheMic) {
  EXPECT_EQ(tampered([](auto&) {}, Key128{8}), CcmpError::mic_failure);
}
TEST(CcmpReject, ShortUnprotectedOrExtIvLessFramesAreRefused) {
  EXPECT_EQ(tampered([](auto& f) { f.resize(30); }), CcmpError::too_short);
  EXPECT_EQ(tampered([](auto& f) { f[1] = 0; }), CcmpError::not_protected);
  EXPECT_EQ(tampered([](auto& f) { f[kHeaderLen + 3] = 0xC0; }), CcmpError::bad_ccmp_header);
  CcmpCipher c(Key128{});
  std::vector<std::uint8_t> out(kMaxFrameSize);
  EXPECT_EQ(c.protect(plain_frame(5), kMaxPn + 1, out).error, CcmpError::pn_exhausted);
  EXPECT_EQ(c.protect(plain_frame(5), 1, std::span(out).first(20)).error, CcmpError::buffer_too_small);
}

TEST(Ccmp, TheTemporalKeyDependsOnBothPmkAndLmk) {
  const Key128 pmk{1}, pmk2{2}, lmk{3}, lmk2{4};
  EXPECT_NE(temporal_key(pmk, lmk), temporal_key(pmk2, lmk));
  EXPECT_NE(temporal_key(pmk, lmk), temporal_key(pmk, lmk2));
  EXPECT_EQ(temporal_key(pmk, lmk), temporal_key(pmk, lmk));
}
