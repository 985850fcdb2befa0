// A vector of trivially copyable values that keeps its first N in the object
// itself and moves to the heap only beyond them. The air's per-radio lists
// (signals felt now, stretches of the locked frame) hold one to three
// entries nearly always: inline, a reception reads them from the lines it
// already reads for the radio instead of from a buffer of its own elsewhere,
// a cache miss per list with 10,000 radios.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <type_traits>

namespace espnow::sim {

template <class T, std::size_t N>
class InlineVector {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  InlineVector() = default;
  InlineVector(const InlineVector&) = delete;
  InlineVector& operator=(const InlineVector&) = delete;

  T* begin() noexcept { return data(); }
  T* end() noexcept { return data() + size_; }
  const T* begin() const noexcept { return data(); }
  const T* end() const noexcept { return data() + size_; }
  T* data() noexcept { return heap_ ? heap_.get() : inline_; }
  const T* data() const noexcept { return heap_ ? heap_.get() : inline_; }
  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  T& operator[](std::size_t i) noexcept { return data()[i]; }
  const T& operator[](std::size_t i) const noexcept { return data()[i]; }
  std::span<const T> span() const noexcept { return {data(), size_}; }

  void clear() noexcept { size_ = 0; }
  void push_back(const T& v) {
    if (size_ == capacity_) grow();
    data()[size_++] = v;
  }
  // Removes the element at `it`, keeping the order of the rest.
  void erase(T* it) noexcept {
    std::memmove(it, it + 1, static_cast<std::size_t>(end() - (it + 1)) * sizeof(T));
    --size_;
  }

 private:
  void grow() {
    const std::uint32_t capacity = capacity_ * 2;
    auto bigger = std::make_unique<T[]>(capacity);
    std::memcpy(bigger.get(), data(), size_ * sizeof(T));
    heap_ = std::move(bigger);
    capacity_ = capacity;
  }

  std::uint32_t size_ = 0;
  std::uint32_t capacity_ = N;
  std::unique_ptr<T[]> heap_;  // once it has outgrown inline_ (kept from then on)
  T inline_[N];
};

}  // namespace espnow::sim
