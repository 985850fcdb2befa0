// Result<T>: a value or a std::error_code, for an API built without
// exceptions. Check ok() (or the bool conversion) before value().
#pragma once

#include <cassert>
#include <system_error>
#include <utility>

#include "espnow/common/errors.hpp"

namespace espnow {

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(errc e) : error_(make_error_code(e)) {}  // NOLINT
  Result(std::error_code ec) : error_(ec) {}      // NOLINT

  bool ok() const noexcept { return !error_; }
  explicit operator bool() const noexcept { return ok(); }
  std::error_code error() const noexcept { return error_; }

  const T& value() const& { assert(ok()); return value_; }
  T& value() & { assert(ok()); return value_; }
  T&& value() && { assert(ok()); return std::move(value_); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }

 private:
  T value_{};
  std::error_code error_;
};

}  // namespace espnow
