// One flow's receptions in `espnow sim`, counted per receiving node.
//
// Only the nodes that received some are kept (a dense flow x node matrix is
// 800 MB at 10,000 broadcasting devices). Counting is on the path of every
// reception, so it is built around how receptions come: a sender's frames
// reach the same radios in the same order frame after frame (the air's
// listeners, by arrival), each frame skipping a few (lost to collisions or a
// weak signal). The entries are linked in a ring in that order, and the next
// reception is looked for just after the last one counted: almost always the
// next entry, or one a few steps on. A node met for the first time is linked
// in right after the last one counted, which is its place in the order; the
// ring's end leads back to its start, where the sender's next frame begins.
// A node not found near the last one is looked up in a hash index.
//
// (Until 2026-12-05 the entries were an array in order of first reception,
// searched from a cursor: a node first heard on a later frame went to the
// array's end, and each frame then left the cursor twice for it, through
// the index. On the 1,000-device ns-3 field a tenth of the run's time went
// to counting.)
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory_resource>
#include <vector>

namespace espnow::cli {

class ReceptionCounts {
 public:
  // Both arrays grow in `memory` (espnow sim's: huge pages, blocks reused as they grow).
  explicit ReceptionCounts(std::pmr::memory_resource* memory = std::pmr::get_default_resource())
      : entries_(memory), index_(memory) {}

  void count(std::uint32_t node) {
    if (entries_.empty()) return counted(add_first(node));
    std::uint32_t j = entries_[last_].next;
    for (std::size_t step = 0; step < kLookAhead; ++step, j = entries_[j].next)
      if (entries_[j].node == node) return counted(j);
    if (const std::uint32_t found = find(node); found != kNone) return counted(found);
    counted(add_after_last(node));
  }
  // Calls f(node, count) for every node that received some, in no particular order.
  template <class F>
  void for_each(F&& f) const {
    for (const Entry& e : entries_) f(e.node, e.count);
  }
  std::size_t nodes() const noexcept { return entries_.size(); }

 private:
  struct Entry {
    std::uint32_t node;
    std::uint32_t next;  // the entry after it in the ring
    std::uint64_t count;
  };
  static constexpr std::uint32_t kNone = UINT32_MAX;
  // Receptions lost between two counted ones (weak, collided) are skipped by looking this far ahead.
  static constexpr std::size_t kLookAhead = 8;
  static constexpr std::size_t kPrefetchAhead = 8;  // entries: two lines on

  void counted(std::uint32_t j) {
    ++entries_[j].count;
    last_ = j;
    // The ring runs through the array in order nearly everywhere, and a
    // frame's receptions come far apart in the run (each with a radio's
    // events between): ask for the entries a line ahead now.
    if (j + kPrefetchAhead < entries_.size()) __builtin_prefetch(&entries_[j + kPrefetchAhead]);
  }
  std::uint32_t add_first(std::uint32_t node) {
    entries_.push_back(Entry{node, 0, 0});
    index_entry(0);
    return 0;
  }
  std::uint32_t add_after_last(std::uint32_t node) {
    const auto j = static_cast<std::uint32_t>(entries_.size());
    entries_.push_back(Entry{node, entries_[last_].next, 0});
    entries_[last_].next = j;
    index_entry(j);
    return j;
  }
  void index_entry(std::uint32_t j) {
    if (4 * entries_.size() > 3 * index_.size()) grow();  // at most 3/4 full: short probes
    else index_[empty_slot(entries_[j].node)] = j + 1;
  }
  std::size_t slot_of(std::uint32_t node) const {
    // Fibonacci hashing: the top bits of node * 2^32/phi.
    return static_cast<std::uint32_t>(node * 0x9E3779B1u) >> (32 - bits_);
  }
  // The entry of `node`, or kNone.
  std::uint32_t find(std::uint32_t node) const {
    for (std::size_t i = slot_of(node);; i = (i + 1) & (index_.size() - 1)) {
      if (index_[i] == 0) return kNone;
      if (entries_[index_[i] - 1].node == node) return index_[i] - 1;
    }
  }
  std::size_t empty_slot(std::uint32_t node) const {
    std::size_t i = slot_of(node);
    while (index_[i] != 0) i = (i + 1) & (index_.size() - 1);
    return i;
  }
  void grow() {  // doubles the index and puts every entry back in it
    bits_ = index_.empty() ? 4 : bits_ + 1;
    index_.assign(std::size_t{1} << bits_, 0);
    for (std::size_t j = 0; j < entries_.size(); ++j)
      index_[empty_slot(entries_[j].node)] = static_cast<std::uint32_t>(j + 1);
  }

  std::pmr::vector<Entry> entries_;        // in order of first reception, linked in the ring's order
  std::pmr::vector<std::uint32_t> index_;  // open addressing: entry + 1 by the node's hash; 0 empty
  std::uint32_t last_ = 0;                 // the entry counted last
  unsigned bits_ = 0;
};

}  // namespace espnow::cli
