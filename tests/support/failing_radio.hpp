// FailingRadio: a Radio around a real one whose transmit() fails (NO_MEM: a
// full transmit queue, as the Radio contract documents) when its FailCount
// says so. Everything else goes to the real radio, listener included, so the
// layer above sees the real radio's frames and reports.
#pragma once

#include <string_view>

#include "espnow/common/errors.hpp"
#include "espnow/radio/radio.hpp"
#include "support/fail_count.hpp"

namespace espnow::test {

class FailingRadio final : public Radio {
 public:
  static constexpr std::string_view kTransmit = "radio transmit";

  FailingRadio(Radio& inner, FailCount& count, std::error_code error = errc::no_mem)
      : inner_(inner), count_(count), error_(error) {}

  MacAddress mac(Interface i) const override { return inner_.mac(i); }
  bool interface_active(Interface i) const override { return inner_.interface_active(i); }
  std::uint8_t channel() const override { return inner_.channel(); }
  std::error_code set_channel(std::uint8_t ch) override { return inner_.set_channel(ch); }
  bool long_range() const override { return inner_.long_range(); }
  std::uint64_t now_us() const override { return inner_.now_us(); }
  void set_listener(RadioListener* listener) override { inner_.set_listener(listener); }

  std::error_code transmit(std::span<const std::uint8_t> frame, PhyRate rate) override {
    if (count_.fail(kTransmit)) return error_;
    return inner_.transmit(frame, rate);
  }

 private:
  Radio& inner_;
  FailCount& count_;
  std::error_code error_;
};

}  // namespace espnow::test
