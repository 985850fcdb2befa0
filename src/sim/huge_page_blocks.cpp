#include "espnow/sim/huge_page_blocks.hpp"

#include <bit>
#include <new>

namespace espnow::sim {

HugePageBlocks::SizeClass HugePageBlocks::size_class(std::size_t bytes) noexcept {
  if (bytes <= kAlign) return {kAlign, 0};
  const auto e = static_cast<std::size_t>(std::bit_width(bytes - 1) - 1);  // 2^e < bytes <= 2^(e+1), e >= 6
  const std::size_t quarter = std::size_t{1} << (e - 2);
  const std::size_t steps = (bytes + quarter - 1) / quarter;  // 5..8 quarters of 2^e
  return {steps * quarter, 1 + 4 * (e - 6) + (steps - 5)};
}

void* HugePageBlocks::do_allocate(std::size_t bytes, std::size_t align) {
  if (align > kAlign) return ::operator new(bytes, std::align_val_t{align});
  const SizeClass c = size_class(bytes);
  if (c.index < free_.size() && !free_[c.index].empty()) {
    void* p = free_[c.index].back();
    free_[c.index].pop_back();
    return p;
  }
  return arena_.allocate(c.bytes, kAlign);
}

void HugePageBlocks::do_deallocate(void* p, std::size_t bytes, std::size_t align) {
  if (align > kAlign) return ::operator delete(p, std::align_val_t{align});
  const SizeClass c = size_class(bytes);
  if (c.index >= free_.size()) free_.resize(c.index + 1);
  free_[c.index].push_back(p);
}

}  // namespace espnow::sim
