// DropLog: why frames never reached `listen` or `echo`.
#include <algorithm>
#include <cstdio>

#include "cli.hpp"

namespace espnow::cli {
namespace {

// What a person should know about each reason, and what to do about it.
const char* explanation(DropReason r) {
  switch (r) {
    case DropReason::malformed: return "not a frame that decodes";
    case DropReason::unknown_sender: return "encrypted, and no --lmk key for the sender";
    case DropReason::mic_failure: return "wrong key (--lmk/--pmk) or altered in flight";
    case DropReason::replayed: return "a packet number already accepted";
    case DropReason::old_pn: return "a packet number older than the last accepted";
    case DropReason::too_long: return "an ESP-NOW v2 message over 250 bytes; use --espnow-version 2";
    case DropReason::buffer_full: return "the receive buffer was full";
  }
  return "";
}

std::string sender_text(const MacAddress& mac) {
  return mac == MacAddress{} ? "an unknown sender" : std::string(mac.to_text().view());
}

}  // namespace

DropLog::DropLog(const GlobalOptions& g, ESPNow& e) : g_(g), e_(e), print_each_(g.verbose || g.json) {
  e_.set_drop_observer(&DropLog::observe, this);
}

DropLog::~DropLog() { e_.set_drop_observer(nullptr, nullptr); }

void DropLog::observe(void* self, DropReason reason, const MacAddress& src) {
  auto& log = *static_cast<DropLog*>(self);
  std::lock_guard lk(log.mutex_);
  ++log.sender_locked(src).by_reason[static_cast<int>(reason)];
  if (!log.print_each_) return;
  if (log.queued_ < log.queue_.size()) log.queue_[log.queued_++] = {reason, src};
  else ++log.unprinted_;
}

DropLog::SenderDrops& DropLog::sender_locked(const MacAddress& mac) {
  const auto end = senders_.begin() + static_cast<std::ptrdiff_t>(sender_count_);
  const auto it = std::find_if(senders_.begin(), end, [&](const SenderDrops& s) { return s.mac == mac; });
  if (it != end) return *it;
  if (sender_count_ == senders_.size()) return others_;
  senders_[sender_count_].mac = mac;
  return senders_[sender_count_++];
}

void DropLog::print_new() {
  std::array<Event, 256> events;
  std::size_t n;
  std::uint64_t unprinted;
  {
    std::lock_guard lk(mutex_);
    std::copy_n(queue_.begin(), queued_, events.begin());
    n = std::exchange(queued_, 0);
    unprinted = std::exchange(unprinted_, 0);
  }
  for (const Event& ev : std::span(events).first(n)) {
    const std::string_view name = drop_reason_name(ev.reason);
    if (g_.json)
      std::printf("{\"time\": %s, \"event\": \"drop\", \"mac\": \"%s\", \"reason\": \"%.*s\"}\n",
                  json_string(timestamp()).c_str(), ev.src.to_text().c_str(), int(name.size()), name.data());
    if (g_.verbose)
      std::fprintf(stderr, "%s dropped a frame from %s: %.*s (%s)\n", timestamp().c_str(), sender_text(ev.src).c_str(),
                   int(name.size()), name.data(), explanation(ev.reason));
  }
  if (unprinted && g_.verbose)
    std::fprintf(stderr, "%s (%s too many to print one by one)\n", timestamp().c_str(),
                 plural(unprinted, "drop", "drops").c_str());
}

std::uint64_t DropLog::total() const {
  std::lock_guard lk(mutex_);
  std::uint64_t sum = 0;
  for (const SenderDrops& s : std::span(senders_).first(sender_count_))
    for (auto c : s.by_reason) sum += c;
  for (auto c : others_.by_reason) sum += c;
  return sum;
}

void DropLog::print_summary() const {
  std::lock_guard lk(mutex_);
  auto print = [](const std::string& who, const SenderDrops& s) {
    std::string line;
    std::uint64_t sum = 0;
    for (int r = 0; r < kDropReasons; ++r) {
      if (!s.by_reason[r]) continue;
      sum += s.by_reason[r];
      const auto reason = static_cast<DropReason>(r);
      line += std::string(line.empty() ? "" : ", ") + std::to_string(s.by_reason[r]) + " " +
              std::string(drop_reason_name(reason)) + " (" + explanation(reason) + ")";
    }
    if (sum) std::fprintf(stderr, "--- dropped from %s: %s\n", who.c_str(), line.c_str());
  };
  for (const SenderDrops& s : std::span(senders_).first(sender_count_)) print(sender_text(s.mac), s);
  print("other senders", others_);
}

}  // namespace espnow::cli
