#include "espnow/sim/huge_page_arena.hpp"

#include <cstdint>

#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

// AddressSanitizer's leak check does not look inside memory mapped by the
// program: what a station holds on the heap would look leaked. Its builds
// take the pieces from operator new, which it watches.
#if defined(__SANITIZE_ADDRESS__)
#define ESPNOW_ARENA_MAPS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ESPNOW_ARENA_MAPS 0
#endif
#endif
#if !defined(ESPNOW_ARENA_MAPS) && defined(__linux__)
#define ESPNOW_ARENA_MAPS 1
#elif !defined(ESPNOW_ARENA_MAPS)
#define ESPNOW_ARENA_MAPS 0
#endif

namespace espnow::sim {
namespace {

std::size_t round_up(std::size_t n, std::size_t to) { return (n + to - 1) / to * to; }

// `size` bytes (a multiple of kPiece) aligned to a huge page, advised to be
// backed by huge pages; null if the kernel refused the mapping.
void* map_piece(std::size_t size) {
#if ESPNOW_ARENA_MAPS
  // Over-map by one piece and trim, so that the piece starts on a 2 MB boundary.
  const std::size_t span = size + HugePageArena::kPiece;
  void* raw = ::mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) return nullptr;  // the caller takes ordinary memory
  const auto start = reinterpret_cast<std::uintptr_t>(raw);
  const std::uintptr_t aligned = round_up(start, HugePageArena::kPiece);
  if (aligned > start) ::munmap(raw, aligned - start);
  if (const std::uintptr_t tail = start + span - (aligned + size)) ::munmap(reinterpret_cast<void*>(aligned + size), tail);
  void* piece = reinterpret_cast<void*>(aligned);
  (void)::madvise(piece, size, MADV_HUGEPAGE);  // a hint: without it, ordinary pages
  return piece;
#else
  (void)size;
  return nullptr;
#endif
}

}  // namespace

void HugePageArena::free_piece(const Piece& p) {
  if (p.mapped) {
#if ESPNOW_ARENA_MAPS
    ::munmap(p.base, p.size);
#endif
    return;
  }
  ::operator delete(p.base, std::align_val_t{kPiece});
}

HugePageArena::~HugePageArena() {
  for (const Piece& p : pieces_) free_piece(p);
}

void* HugePageArena::allocate(std::size_t bytes, std::size_t align) {
  auto at = reinterpret_cast<std::uintptr_t>(next_);
  at = round_up(at, align);
  if (next_ == nullptr || at + bytes > reinterpret_cast<std::uintptr_t>(end_)) {
    const std::size_t size = round_up(bytes, kPiece);  // an object larger than a piece gets its own
    void* base = map_piece(size);
    const bool mapped = base != nullptr;
    if (!mapped) base = ::operator new(size, std::align_val_t{kPiece});
    pieces_.push_back(Piece{base, size, mapped});
    next_ = static_cast<char*>(base);
    end_ = next_ + size;
    at = reinterpret_cast<std::uintptr_t>(next_);  // a piece's start suits any alignment up to 2 MB
  }
  next_ = reinterpret_cast<char*>(at + bytes);
  return reinterpret_cast<void*>(at);
}

}  // namespace espnow::sim
