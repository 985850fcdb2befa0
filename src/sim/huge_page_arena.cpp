#include "espnow/sim/huge_page_arena.hpp"

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <new>
#include <thread>

#if defined(__linux__)
#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>
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

#if ESPNOW_ARENA_MAPS
// Gives the kernel's work on a new piece (a page fault per page, and every
// byte cleared: 6% of the 10,000-device field's run, mostly in its first
// simulated minute) to a thread of its own, ahead of the pieces being taken.
// Pieces are kPiece bytes, mapped as map_piece maps them and then written to,
// so that their pages exist. What is ready is handed over under the mutex.
//
// One per process, made on first use and never destroyed: its thread sleeps
// in the condition variable until the process ends. A process forked from
// one that has the stock has neither the thread nor a usable mutex (fork
// copies only the calling thread): it bypasses the stock.
class PieceStock {
 public:
  static PieceStock& instance() {
    static PieceStock* stock = new PieceStock;  // never destroyed: see above
    return *stock;
  }

  // Keep `pieces` pieces ready from now on (at least as many as asked before).
  void keep(std::size_t pieces) {
    if (!usable()) return;
    std::lock_guard lk(mutex_);
    if (pieces <= target_) return;
    target_ = pieces;
    if (!started_) {
      started_ = true;
      std::thread(&PieceStock::work, this).detach();
    }
    wake_.notify_one();
  }

  std::size_t ready() {
    if (!usable()) return 0;
    std::lock_guard lk(mutex_);
    return ready_.size();
  }

  // A ready piece, or null when none is (the caller maps one itself).
  void* take() {
    if (!usable()) return nullptr;
    std::lock_guard lk(mutex_);
    if (ready_.empty()) return nullptr;
    void* piece = ready_.back();
    ready_.pop_back();
    wake_.notify_one();
    return piece;
  }

 private:
  PieceStock() : owner_(::getpid()) {}
  bool usable() const { return ::getpid() == owner_; }

  void work() {
    (void)::pthread_setname_np(::pthread_self(), "espnow-pieces");
    std::unique_lock lk(mutex_);
    for (;;) {
      wake_.wait(lk, [this] { return ready_.size() < target_; });
      lk.unlock();
      void* piece = prepared_piece();
      lk.lock();
      if (!piece) return;  // the kernel refuses: allocate() maps its own, as without the stock
      ready_.push_back(piece);
    }
  }

  static void* prepared_piece() {
    auto* piece = static_cast<char*>(map_piece(HugePageArena::kPiece));
    if (!piece) return nullptr;
#ifdef MADV_POPULATE_WRITE
    if (::madvise(piece, HugePageArena::kPiece, MADV_POPULATE_WRITE) == 0) return piece;
#endif
    for (std::size_t at = 0; at < HugePageArena::kPiece; at += 4096) static_cast<volatile char*>(piece)[at] = 0;
    return piece;
  }

  const pid_t owner_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<void*> ready_;
  std::size_t target_ = 0;
  bool started_ = false;
};
#endif

// A piece of `size` bytes: from the stock when it is one piece and one is
// ready, else mapped here; null if the kernel refused the mapping.
void* new_piece(std::size_t size) {
#if ESPNOW_ARENA_MAPS
  if (size == HugePageArena::kPiece)
    if (void* piece = PieceStock::instance().take()) return piece;
#endif
  return map_piece(size);
}

}  // namespace

void HugePageArena::prepare_ahead(std::size_t pieces) {
#if ESPNOW_ARENA_MAPS
  PieceStock::instance().keep(pieces);
#else
  (void)pieces;
#endif
}

bool HugePageArena::maps() noexcept { return ESPNOW_ARENA_MAPS != 0; }

std::size_t HugePageArena::prepared_pieces() {
#if ESPNOW_ARENA_MAPS
  return PieceStock::instance().ready();
#else
  return 0;
#endif
}

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
    void* base = new_piece(size);
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
