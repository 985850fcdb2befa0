// LinuxRadio: a Radio on a Linux Wi-Fi interface in monitor mode, through
// libpcap (docs/behaviour.md, "Linux monitor mode"). Frames are injected behind a
// radiotap header; a BPF filter lets only our ESP-NOW frames, the ACKs to us
// and the kernel's reports of our own injected frames out of the kernel.
// Channel, MAC and monitor checks go through nl80211 (host/nl80211.hpp).
//
// Delivery confirmation of a unicast, best first:
//  1. the kernel's TX-status report of the injected frame (radiotap TX flags;
//     0x0001 = failed), where the driver gives one;
//  2. an ACK control frame to our MAC within `ack_timeout`;
//  3. neither ever seen: the send is *unconfirmed*. It is reported to the
//     listener as not acknowledged (on_tx_done(dst, false)), never as a
//     success, counted in stats().unconfirmed, and a warning says so once.
// Unconfirmed unicasts are retried with the retry bit, as the Radio contract
// says; receivers drop the repeats by their random value. Queue, attempts,
// retry bit, ACK deadline and reports are TxMachine's (radio/tx_machine.hpp),
// as on every air; this class is its shell: a transmitter thread on the
// steady clock, pcap injection, and ACKs and TX reports fed in.
//
// Modes:
//  - monitor: a real interface; link type radiotap required.
//  - veth_test: TEST ONLY. An Ethernet link (a veth end) carries the very
//    radiotap + 802.11 bytes; unicasts to us are ACKed in software, standing
//    in for the card. Never chosen unless asked for by name (linux-test:IFACE).
//  - replay: reads a capture file (radiotap or bare 802.11) through the same
//    filter and receive path (tests, and diagnosing a capture); it cannot transmit.
//
// Every packet is read through wire::read_captured() (docs/behaviour.md,
// "Captures and the FCS rule"): an FCS only when the radiotap Flags say so.
// Frames are injected without an FCS and without that flag: the driver
// appends the FCS (docs/behaviour.md, "The element-length rule").
// Host-only: lives in espnow_host, never in the core.
#pragma once

#include "espnow/host/host_only.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "espnow/common/result.hpp"
#include "espnow/host/host_errors.hpp"
#include "espnow/radio/radio.hpp"
#include "espnow/wire/radiotap.hpp"
#include "espnow/radio/tx_machine.hpp"

struct pcap;

namespace espnow {

enum class LinuxRadioMode { monitor, veth_test, replay };

struct LinuxRadioOptions {
  std::string source;  // the interface; in replay mode, the capture file
  LinuxRadioMode mode = LinuxRadioMode::monitor;
  std::optional<MacAddress> mac;  // default: the interface's (required in replay mode)
  std::uint8_t channel = 1;
  // Every ESP-NOW frame and ACK, whoever it is for, goes to the monitor
  // callback, and nothing is ACKed in software (capture, bridge).
  bool promiscuous = false;
  int max_retries = 5;
  std::chrono::milliseconds ack_timeout{25};  // docs/behaviour.md: the ACK comes within ~25 ms
  std::size_t tx_queue_len = 16;
  std::function<void(std::string_view)> warn;  // default: a line on stderr
};

struct LinuxRadioStats {
  std::uint64_t packets = 0;       // passed the BPF filter
  std::uint64_t malformed = 0;     // bad radiotap header, too short or too long
  std::uint64_t bad_fcs = 0;       // the FCS does not match, or the driver flagged it bad (radiotap 0x40)
  std::uint64_t other_channel = 0; // test mode: sent on another channel
  std::uint64_t delivered = 0;     // handed to the listener
  std::uint64_t acks_received = 0;
  std::uint64_t tx_reports = 0;    // the kernel's TX status of our frames
  std::uint64_t injected = 0;
  std::uint64_t inject_errors = 0;
  std::uint64_t acks_sent = 0;     // test mode: software ACKs
  std::uint64_t retries = 0;
  std::uint64_t unconfirmed = 0;   // unicasts neither confirmed nor refuted
};

// What the monitor callback sees: every packet that passed the filter.
struct MonitoredFrame {
  std::span<const std::uint8_t> frame;  // 802.11 frame ending with a good FCS (verified, or computed if stripped)
  RxControl rx_ctrl;
  bool tx_report = false;  // the kernel's report of a frame we injected
};

class LinuxRadio final : public Radio, private TxMachine::Medium {
 public:
  // On failure: a host_errc (or errno) code, and a detail saying what is
  // wrong and the command that fixes it.
  static Result<std::unique_ptr<LinuxRadio>> open(LinuxRadioOptions options);
  ~LinuxRadio() override;
  LinuxRadio(const LinuxRadio&) = delete;
  LinuxRadio& operator=(const LinuxRadio&) = delete;

  MacAddress mac(Interface i) const override;
  bool interface_active(Interface i) const override { return i == Interface::sta; }
  std::uint8_t channel() const override { return channel_.load(); }
  std::error_code set_channel(std::uint8_t ch) override;  // errc::chan if refused; tune() says why
  // set_channel with the kernel's refusal in words (host_errc::nl80211).
  Result<void> tune(std::uint8_t ch);
  bool long_range() const override { return false; }
  std::uint64_t now_us() const override;
  void set_listener(RadioListener* listener) override;
  std::error_code transmit(std::span<const std::uint8_t> frame, PhyRate rate) override;

  // Injects a frame (FCS included, as the stack passes frames) once, without
  // its FCS: no retry, no confirmation.
  std::error_code inject(std::span<const std::uint8_t> frame, PhyRate rate);
  // Called on the receive thread for every packet that passed the filter.
  void set_monitor(std::function<void(const MonitoredFrame&)> monitor);
  LinuxRadioStats stats() const;
  const std::string& filter() const { return filter_; }
  const std::string& source() const { return options_.source; }
  // Replay mode: the file goes through the receive path once a listener is
  // set (so the stack misses nothing); this blocks until it has.
  void wait_until_replayed();

 private:
  explicit LinuxRadio(LinuxRadioOptions options);
  Result<void> activate();
  Result<void> check_link_type(bool wireless);  // wireless: nl80211 knows the interface
  Result<void> install_filter();
  void receive_loop();
  void handle_packet(std::span<const std::uint8_t> packet);
  void handle_frame(std::span<const std::uint8_t> frame, const RxControl& rx_ctrl, bool tx_report, bool tx_failed);
  void confirm(const MacAddress& dst, bool acked);
  void send_software_ack(const MacAddress& to, PhyRate frame_rate);
  // TxMachine::Medium: an attempt is one injection.
  void send(const TxMachine::Attempt& attempt) override;
  void transmit_loop();
  // Reports finished frames in transmit order, one reporter at a time; false
  // when not `wait`ing and another reporter is at it (who takes them).
  bool report_finished(bool wait = true);
  void report_unconfirmed();

  LinuxRadioOptions options_;
  MacAddress mac_{};
  std::atomic<std::uint8_t> channel_;
  std::string filter_;
  ::pcap* pcap_ = nullptr;
  wire::CaptureLink link_ = wire::CaptureLink::radiotap;  // a replayed file may be bare 802.11
  int stop_fd_ = -1;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();

  std::shared_mutex listener_mutex_;  // listener_ and monitor_
  RadioListener* listener_ = nullptr;
  std::function<void(const MonitoredFrame&)> monitor_;
  std::mutex inject_mutex_;

  // The transmit machine and its thread, woken by frames, ACKs and TX reports.
  std::mutex report_mutex_;  // before tx_mutex_
  std::mutex tx_mutex_;
  std::condition_variable tx_cv_;
  std::vector<TxSlot> slots_;
  TxMachine machine_;
  bool tx_stop_ = false;
  std::thread transmitter_;
  std::atomic<bool> ever_confirmed_{false};  // the driver shows ACKs or TX status
  std::atomic<bool> warned_unconfirmed_{false};

  std::atomic<bool> stopping_{false};
  std::mutex replay_mutex_;
  std::condition_variable replay_cv_;
  bool replay_done_ = false;

  struct Counters {
    std::atomic<std::uint64_t> packets{0}, malformed{0}, bad_fcs{0}, other_channel{0}, delivered{0},
        acks_received{0}, tx_reports{0}, injected{0}, inject_errors{0}, acks_sent{0}, retries{0}, unconfirmed{0};
  } counters_;
  std::thread receiver_;
};

}  // namespace espnow
