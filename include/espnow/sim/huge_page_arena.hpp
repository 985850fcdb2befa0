// Memory for the many long-lived objects of a large simulation (a station per
// radio, a node per device), in 2 MB pieces the kernel is asked to back with
// huge pages. On a field of 10,000 devices every reception reads the state of
// a radio whose page went out of the TLB since its last frame: with 4 kB
// pages that was a page walk per reception besides the cache misses (espnow
// sim ran 10% faster with glibc's huge-page tunable; docs/performance.md).
// Where the kernel gives no huge pages (transparent huge pages "never", not
// Linux, a refused mapping), the pieces are ordinary memory.
#pragma once

#include <cstddef>
#include <new>
#include <utility>
#include <vector>

namespace espnow::sim {

class HugePageArena {
 public:
  HugePageArena() = default;
  ~HugePageArena();  // frees the pieces: what was made in them must be destroyed first
  HugePageArena(const HugePageArena&) = delete;
  HugePageArena& operator=(const HugePageArena&) = delete;

  void* allocate(std::size_t bytes, std::size_t align);

  // A T made in the arena; destroy it with destroy() (its memory stays until
  // the arena goes).
  template <class T, class... Args>
  T* make(Args&&... args) {
    return new (allocate(sizeof(T), alignof(T))) T(std::forward<Args>(args)...);
  }
  // For std::unique_ptr<T, HugePageArena::Destroy>.
  struct Destroy {
    template <class T>
    void operator()(T* p) const { p->~T(); }
  };

  static constexpr std::size_t kPiece = std::size_t{2} << 20;

  // From now on, every arena of the process takes its pieces from a stock of
  // `pieces` that a thread of their own maps and faults in ahead, so that a
  // large simulation does not wait for the kernel to clear each new piece.
  // For programs that build large fields (espnow sim); the stock costs its
  // pieces' memory and a thread. Without huge_page mapping (not Linux,
  // AddressSanitizer), nothing.
  static void prepare_ahead(std::size_t pieces);
  // How many pieces are ready now (for tests and diagnostics).
  static std::size_t prepared_pieces();
  // Whether pieces are mapped from the kernel (Linux, not AddressSanitizer's
  // build, which takes them from operator new so that its leak check sees
  // inside them): only mapped pieces can be huge pages or come from the stock.
  static bool maps() noexcept;

 private:
  struct Piece {
    void* base;
    std::size_t size;
    bool mapped;  // by mmap; else from operator new
  };
  static void free_piece(const Piece& p);
  std::vector<Piece> pieces_;
  char* next_ = nullptr;
  char* end_ = nullptr;
};

}  // namespace espnow::sim
