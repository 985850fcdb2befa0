// Assertions on the one error idiom (common/result.hpp), so a test reads as
// the documentation and a failure names the error:
//
//   ASSERT_OK(e.active(true));
//   EXPECT_ERR(e.add_peer(kB), errc::exist);
//   EXPECT_ERR(e.config({.rate = 1}), std::errc::no_such_file_or_directory);
//
// They take a Result<T>, a Result<void> or a std::error_code (a Link's or a
// Radio's answer). A failure prints "ESP_ERR_ESPNOW_ARG: lmk must be 16 bytes".
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <system_error>

#include "espnow/common/result.hpp"

namespace espnow::test {

inline std::error_code code_of(std::error_code ec) { return ec; }
template <class T>
std::error_code code_of(const Result<T>& r) {
  return r.error();
}

inline std::string describe(std::error_code ec) { return error_name(ec); }
template <class T>
std::string describe(const Result<T>& r) {
  return r.ok() ? std::string("ok") : r.failure().message();
}

template <class R>
testing::AssertionResult is_ok(const char* expr, const R& r) {
  if (!code_of(r)) return testing::AssertionSuccess();
  return testing::AssertionFailure() << expr << " failed: " << describe(r);
}

inline std::error_code to_code(std::error_code ec) { return ec; }
inline std::error_code to_code(errc e) { return make_error_code(e); }
inline std::error_code to_code(std::errc e) { return std::make_error_code(e); }
template <class E>
  requires std::is_error_code_enum_v<E>
std::error_code to_code(E e) {
  return make_error_code(e);
}

template <class R, class E>
testing::AssertionResult is_err(const char* expr, const char* expected_expr, const R& r, E expected) {
  const std::error_code want = to_code(expected);
  if (code_of(r) == want) return testing::AssertionSuccess();
  return testing::AssertionFailure() << expr << " gave " << describe(r) << ", expected " << error_name(want) << " ("
                                     << expected_expr << ")";
}

}  // namespace espnow::test

#define EXPECT_OK(expr) EXPECT_PRED_FORMAT1(::espnow::test::is_ok, expr)
#define ASSERT_OK(expr) ASSERT_PRED_FORMAT1(::espnow::test::is_ok, expr)
#define EXPECT_ERR(expr, code) EXPECT_PRED_FORMAT2(::espnow::test::is_err, expr, code)
#define ASSERT_ERR(expr, code) ASSERT_PRED_FORMAT2(::espnow::test::is_err, expr, code)
