// A memory resource for the large arrays a big simulation builds once per
// device and keeps (each sender's listener list, each flow's reception
// counts): blocks from a HugePageArena, in size classes, given back to a free
// list of their class and reused, never returned to the system before the
// resource goes. From the heap, 4 kB pages: at 10,000 devices the run took
// a page fault for every 4 kB of the 300 MB those arrays hold, a fifth of a
// short run's time (docs/performance.md, "Listener lists in huge pages").
#pragma once

#include <cstddef>
#include <memory_resource>
#include <vector>

#include "espnow/sim/huge_page_arena.hpp"

namespace espnow::sim {

class HugePageBlocks final : public std::pmr::memory_resource {
 public:
  HugePageBlocks() = default;
  HugePageBlocks(const HugePageBlocks&) = delete;
  HugePageBlocks& operator=(const HugePageBlocks&) = delete;

  // What a request of `bytes` takes: 64 bytes, or a quarter step between two
  // powers of two (at most a quarter more than asked), and that size's class.
  struct SizeClass {
    std::size_t bytes;
    std::size_t index;
  };
  static SizeClass size_class(std::size_t bytes) noexcept;

  static constexpr std::size_t kAlign = 64;  // every block's; a stricter alignment goes to operator new

 private:
  void* do_allocate(std::size_t bytes, std::size_t align) override;
  void do_deallocate(void* p, std::size_t bytes, std::size_t align) override;
  bool do_is_equal(const std::pmr::memory_resource& other) const noexcept override { return this == &other; }

  HugePageArena arena_;
  std::vector<std::vector<void*>> free_;  // by size class: blocks given back
};

}  // namespace espnow::sim
