// Result<T> and Result<void>: the one error idiom (common/result.hpp).
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <type_traits>

#include "espnow/common/result.hpp"
#include "support/expect.hpp"

namespace espnow {
namespace {

// Neither Result<bool> (send: "no error" is not "acknowledged") nor any
// other converts to bool, so `if (!r)` and `if (r)` do not compile.
template <class R>
concept Testable = requires(R r) { !r; } || std::is_constructible_v<bool, R>;
static_assert(!Testable<Result<bool>>);
static_assert(!Testable<Result<void>>);
static_assert(!Testable<Result<int>>);

struct NoDefault {
  explicit NoDefault(int v) : value(v) {}
  int value;
};

Result<NoDefault> make(bool ok) {
  if (!ok) return Error(errc::arg, "told to fail");
  return NoDefault(7);
}

TEST(Result, HoldsAValueThatHasNoDefaultConstructor) {
  auto r = make(true);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.has_value());
  EXPECT_EQ(r.value().value, 7);
  EXPECT_EQ(r->value, 7);
  EXPECT_FALSE(r.error());
  EXPECT_EQ(r.detail(), "");
}

TEST(Result, CarriesTheCodeAndADetail) {
  auto r = make(false);
  EXPECT_FALSE(r.ok());
  EXPECT_ERR(r, errc::arg);
  EXPECT_EQ(r.detail(), "told to fail");
  EXPECT_EQ(r.failure().message(), "ESP_ERR_ESPNOW_ARG: told to fail");
  EXPECT_EQ(r.value_or(NoDefault(3)).value, 3);
}

TEST(Result, OfBoolSeparatesNoErrorFromTheValue) {
  Result<bool> not_acked = false;
  EXPECT_TRUE(not_acked.ok());
  EXPECT_FALSE(not_acked.value());
  Result<bool> failed = errc::not_found;
  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(error_name(failed.error()), "ESP_ERR_ESPNOW_NOT_FOUND");
}

TEST(Result, OfVoidIsSuccessOrAnError) {
  Result<void> ok;
  EXPECT_OK(ok);
  Result<void> zero = std::error_code{};  // a Link's "no error" passes through as success
  EXPECT_OK(zero);
  Result<void> bad = Error(std::errc::timed_out, "responses did not come");
  EXPECT_ERR(bad, std::errc::timed_out);
  EXPECT_EQ(bad.failure().message(), "ETIMEDOUT: responses did not come");
}

TEST(Result, MovesItsValueOut) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(5);
  std::unique_ptr<int> p = std::move(r).value();
  EXPECT_EQ(*p, 5);
}

TEST(ResultDeath, ValueOfAFailureNamesTheErrorAndAborts) {
  EXPECT_DEATH((void)make(false).value(), "ESP_ERR_ESPNOW_ARG: told to fail");
}

}  // namespace
}  // namespace espnow
