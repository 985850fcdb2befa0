#include "espnow/host/crossing_memory.hpp"

#include <algorithm>

#include "espnow/wire/ccmp.hpp"
#include "espnow/wire/fcs.hpp"
#include "espnow/wire/frame.hpp"

namespace espnow::host {
namespace {

// The random value (bytes 28..31), or the packet number with the top bit set.
std::uint64_t identity(std::span<const std::uint8_t> frame) {
  std::uint64_t pn = 0;
  if (frame[1] & wire::kFlagProtected) return wire::read_pn(frame, pn) ? pn | 1ull << 63 : 0;
  std::uint64_t random = 0;
  for (std::size_t i = 28; i < 32; ++i) random = random << 8 | frame[i];
  return random;
}

}  // namespace

CrossingMemory::Verdict CrossingMemory::check(std::span<const std::uint8_t> frame, Side from) {
  if (frame.size() < wire::kHeaderLen + wire::kActionFixedLen + wire::kFcsLen) return Verdict::not_espnow;
  const Entry e{MacAddress::read(frame.data() + 10), identity(frame), from};
  const bool retry = (frame[1] & wire::kFlagRetry) != 0;
  std::lock_guard lk(mutex_);
  for (std::size_t i = 0; i < used_; ++i) {
    const Entry& seen = entries_[i];
    if (seen.src != e.src || seen.id != e.id) continue;
    if (seen.from != from) return Verdict::loop;
    return retry ? Verdict::cross : Verdict::duplicate;
  }
  entries_[next_] = e;
  next_ = (next_ + 1) % entries_.size();
  used_ = std::min(used_ + 1, entries_.size());
  return Verdict::cross;
}

}  // namespace espnow::host
