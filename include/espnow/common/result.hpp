// Result<T>: a value or an Error (errors.hpp), for an API built without
// exceptions. Result<void>: success or an Error.
//
//   auto r = e.send(peer, bytes("hi"));
//   if (!r.ok()) log(error_name(r.error()), r.detail());
//   else if (r.value()) ...  // the peer's radio acknowledged it
//
// It has no conversion to bool on purpose: for Result<bool> (send) "no
// error" and "acknowledged" are different questions, and `if (!r)` must not
// compile where one might mean either. The value need not be
// default-constructible.
#pragma once

#include <cstdlib>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>

#include "espnow/common/errors.hpp"

namespace espnow {

namespace detail {
// value() of a failed Result: a programming error. Says which error, then aborts.
[[noreturn]] void bad_result_access(const Error& error) noexcept;
}  // namespace detail

template <class T>
class [[nodiscard]] Result {
  static_assert(!std::is_reference_v<T>, "Result<T&> is not supported");

 public:
  using value_type = T;

  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT
  Result(errc e) : Result(Error(e)) {}                                        // NOLINT
  Result(std::error_code ec) : Result(Error(ec)) {}                           // NOLINT
  template <class E>
    requires std::is_error_condition_enum_v<E>
  Result(E e) : Result(Error(e)) {}  // NOLINT: std::errc

  bool ok() const noexcept { return state_.index() == 0; }
  bool has_value() const noexcept { return ok(); }
  // The code; a default (success) std::error_code when ok().
  std::error_code error() const noexcept { return ok() ? std::error_code{} : failure().code(); }
  // What a person needs to know about the error; empty when ok() or not given.
  std::string_view detail() const noexcept { return ok() ? std::string_view{} : failure().detail(); }
  // The Error itself; call only when !ok().
  const Error& failure() const noexcept {
    if (ok()) std::abort();
    return *std::get_if<1>(&state_);
  }

  const T& value() const& { return check(), *std::get_if<0>(&state_); }
  T& value() & { return check(), *std::get_if<0>(&state_); }
  T&& value() && { return check(), std::move(*std::get_if<0>(&state_)); }
  template <class U>
  T value_or(U&& fallback) const& {
    return ok() ? *std::get_if<0>(&state_) : static_cast<T>(std::forward<U>(fallback));
  }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

 private:
  void check() const noexcept {
    if (!ok()) detail::bad_result_access(*std::get_if<1>(&state_));
  }
  std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  using value_type = void;

  Result() = default;  // success
  Result(Error error) : error_(std::move(error)) {}  // NOLINT: implicit by design
  Result(errc e) : error_(e) {}                      // NOLINT
  // A zero std::error_code is success: a Link's esp_err_t-like answer passes through.
  Result(std::error_code ec) : error_(ec) {}  // NOLINT
  template <class E>
    requires std::is_error_condition_enum_v<E>
  Result(E e) : error_(e) {}  // NOLINT: std::errc

  bool ok() const noexcept { return !error_.code(); }
  bool has_value() const noexcept { return ok(); }
  std::error_code error() const noexcept { return error_.code(); }
  std::string_view detail() const noexcept { return error_.detail(); }
  const Error& failure() const noexcept { return error_; }
  // For symmetry with Result<T>: aborts if there is an error.
  void value() const {
    if (!ok()) detail::bad_result_access(error_);
  }

 private:
  Error error_{std::error_code{}};
};

}  // namespace espnow
