#include "espnow/radio/tx_machine.hpp"

#include <algorithm>
#include <cstring>

#include "espnow/common/errors.hpp"

namespace espnow {
namespace {

constexpr std::size_t kMaxStreams = 64;  // destinations a radio keeps stream numbers for

}  // namespace

TxMachine::TxMachine(std::span<TxSlot> slots, TxMachineOptions options) : slots_(slots), options_(options) {
  if (options_.streams) streams_.reserve(kMaxStreams);
}

std::error_code TxMachine::submit(std::span<const std::uint8_t> frame, PhyRate rate) {
  if (frame.size() < wire::kHeaderLen || frame.size() > wire::kMaxFrameSize) return errc::arg;
  if (count_ == slots_.size()) return errc::no_mem;
  TxSlot& s = slot(count_);
  std::memcpy(s.bytes.data(), frame.data(), frame.size());
  s.size = frame.size();
  s.rate = rate;
  s.dst = MacAddress::read(frame.data() + 4);
  s.group = s.dst.is_multicast();
  s.tag = next_tag_;
  next_tag_ = next_tag_ == UINT32_MAX ? 1 : next_tag_ + 1;  // 0 is "untagged"
  s.stream = s.group || !options_.streams ? 0 : next_stream(s.dst);
  s.attempts = s.sends = 0;
  s.scheduled = s.expects_ack = false;
  s.state = TxSlot::State::unsent;
  ++count_;
  return {};
}

std::uint32_t TxMachine::next_stream(const MacAddress& dst) {
  auto it = std::find_if(streams_.begin(), streams_.end(), [&](const Stream& s) { return s.dst == dst; });
  if (it == streams_.end()) {
    if (streams_.size() >= kMaxStreams) forget_idle_streams();
    // A new stream starts at the tag, which is past every number this radio
    // ever gave that destination, so a receiver never takes it for a repeat.
    streams_.push_back({dst, next_tag_});
    it = streams_.end() - 1;
  }
  return it->next++;
}

void TxMachine::forget_idle_streams() {
  std::erase_if(streams_, [this](const Stream& st) {
    for (std::size_t i = 0; i < count_; ++i)
      if (slot(i).dst == st.dst && unresolved(slot(i))) return false;
    return true;
  });
}

TxMachine::Time TxMachine::pump(Time now, Medium& medium) {
  Time next = kNever;
  for (std::size_t i = 0; i < count_; ++i) step(i, now, medium, next);
  if (count_ > 0 && !unresolved(slot(0))) next = now;  // a report is due
  return next;
}

// Moves one frame on as far as it can go now: a passed deadline becomes a
// retry or a failure; an unsent frame in the window goes on the air (after
// its airtime with timing on).
void TxMachine::step(std::size_t i, Time now, Medium& medium, Time& next) {
  TxSlot& s = slot(i);
  for (;;) {
    if (!unresolved(s)) return;
    if (s.state == TxSlot::State::awaiting_ack) {
      if (s.at > now) return void(next = std::min(next, s.at));
      if (s.attempts > options_.max_retries) return void(s.state = TxSlot::State::failed);
      s.state = TxSlot::State::unsent;
      s.scheduled = false;
    }
    if (i >= std::clamp<std::size_t>(options_.window, 1, slots_.size())) return;
    if (options_.timing) {
      if (!s.scheduled) {
        const Time cost = std::chrono::microseconds(kDifsUs + airtime_us(s.rate, static_cast<std::uint32_t>(s.size)));
        s.at = busy_until_ = std::max(now, busy_until_) + cost;
        s.scheduled = true;
      }
      if (s.at > now) return void(next = std::min(next, s.at));
    }
    if (!attempt(i, now, medium)) {
      if (s.state == TxSlot::State::awaiting_ack) next = std::min(next, s.at);
      return;
    }
  }
}

// One attempt of slot i. A chip sends a destination's frames one at a time;
// with a window, later frames to the same destination may go ahead, so an
// attempt counts toward the retry limit only once every earlier frame to that
// destination is finished. A destination nobody able to hear the radio owns
// gets its remaining attempts back to back. True when the slot has more to do now.
bool TxMachine::attempt(std::size_t i, Time now, Medium& medium) {
  TxSlot& s = slot(i);
  const std::span<std::uint8_t> frame = std::span(s.bytes).first(s.size);
  if (s.group) {
    medium.send({frame, s.rate, s.dst, true, false, s.tag, 0, 0});
    s.state = TxSlot::State::acked;  // never acknowledged, so never a failure
    return false;
  }
  const bool counted = first_to_its_destination(i);
  const bool heard = medium.reachable(s.dst, s.rate);
  if (!heard && !counted) return false;  // it waits for its turn
  const bool retry = s.sends > 0;
  if (retry) wire::set_retry(frame, true);  // same sequence, same random value
  medium.send({frame, s.rate, s.dst, false, retry, s.tag, s.stream, options_.streams ? base(s.dst) : 0});
  ++s.sends;
  if (counted) ++s.attempts;
  s.expects_ack = heard;
  if (!heard && s.attempts <= options_.max_retries) {
    s.scheduled = false;
    return true;  // the next attempt, without an ACK wait
  }
  s.state = TxSlot::State::awaiting_ack;
  s.at = now + (heard ? options_.ack_timeout : options_.absent_ack_wait);
  return false;
}

bool TxMachine::first_to_its_destination(std::size_t i) const {
  const MacAddress& dst = slot(i).dst;
  for (std::size_t j = 0; j < i; ++j)
    if (!slot(j).group && slot(j).dst == dst && unresolved(slot(j))) return false;
  return true;
}

// The lowest stream number to `dst` still unfinished: numbers rise in
// transmit order, so it is the first such slot's.
std::uint32_t TxMachine::base(const MacAddress& dst) const {
  for (std::size_t j = 0; j < count_; ++j)
    if (!slot(j).group && slot(j).dst == dst && unresolved(slot(j))) return slot(j).stream;
  return 0;
}

TxSlot* TxMachine::awaiting(std::uint32_t tag) {
  for (std::size_t i = 0; i < count_; ++i) {
    TxSlot& s = slot(i);
    if (s.group || !unresolved(s) || s.sends == 0) continue;
    if (tag == 0 ? s.state == TxSlot::State::awaiting_ack : s.tag == tag) return &s;
  }
  return nullptr;
}

bool TxMachine::acked(std::uint32_t tag, Time now) {
  TxSlot* s = awaiting(tag);
  if (!s) return false;  // late: an ACK counts only while its frame is unfinished
  const bool last = s->attempts > options_.max_retries;
  if (s->state == TxSlot::State::awaiting_ack && last && s->at < now) return false;  // failed, not yet reported
  s->state = TxSlot::State::acked;
  return true;
}

void TxMachine::refused(std::uint32_t tag, Time now) {
  TxSlot* s = awaiting(tag);
  if (s && s->state == TxSlot::State::awaiting_ack) s->at = std::min(s->at, now);
}

std::optional<MacAddress> TxMachine::awaited() const {
  for (std::size_t i = 0; i < count_; ++i)
    if (slot(i).state == TxSlot::State::awaiting_ack) return slot(i).dst;
  return std::nullopt;
}

void TxMachine::recheck(Time now, Medium& medium) {
  for (std::size_t i = 0; i < count_; ++i) {
    TxSlot& s = slot(i);
    if (s.state == TxSlot::State::awaiting_ack && s.expects_ack && !medium.reachable(s.dst, s.rate)) s.at = now;
  }
}

std::optional<TxMachine::Report> TxMachine::pop_report() {
  if (count_ == 0 || unresolved(slot(0))) return std::nullopt;
  const TxSlot& s = slot(0);
  const Report r{s.dst, s.state == TxSlot::State::acked, s.expects_ack};
  head_ = (head_ + 1) % slots_.size();
  --count_;
  return r;
}

}  // namespace espnow
