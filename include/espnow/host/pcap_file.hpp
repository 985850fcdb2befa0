// pcap files of link type 127 (radiotap + 802.11) or 105 (bare 802.11),
// through libpcap. wire::read_captured() reads their packets.
// Host-only: the core library never depends on libpcap.
#pragma once

#include "espnow/host/host_only.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

struct pcap;
struct pcap_dumper;

namespace espnow::host {

inline constexpr int kLinkTypeRadiotap = 127;  // LINKTYPE_IEEE802_11_RADIOTAP
inline constexpr int kLinkTypeIeee80211 = 105;  // LINKTYPE_IEEE802_11: no radiotap, no FCS

struct CapturedPacket {
  std::chrono::microseconds timestamp{0};
  std::vector<std::uint8_t> bytes;  // as the file's link type says
};

class PcapWriter {
 public:
  // Opens (truncates) `path`. On failure ok() is false and error() says why.
  explicit PcapWriter(const std::string& path, int link_type = kLinkTypeRadiotap);
  ~PcapWriter();
  PcapWriter(const PcapWriter&) = delete;
  PcapWriter& operator=(const PcapWriter&) = delete;

  bool ok() const noexcept { return dumper_ != nullptr; }
  const std::string& error() const noexcept { return error_; }
  void write(std::span<const std::uint8_t> packet, std::chrono::microseconds timestamp);
  void flush();

 private:
  ::pcap* dead_ = nullptr;
  ::pcap_dumper* dumper_ = nullptr;
  std::string error_;
};

class PcapReader {
 public:
  explicit PcapReader(const std::string& path);
  ~PcapReader();
  PcapReader(const PcapReader&) = delete;
  PcapReader& operator=(const PcapReader&) = delete;

  bool ok() const noexcept { return pcap_ != nullptr; }
  const std::string& error() const noexcept { return error_; }
  int link_type() const noexcept;
  // False at the end of the file or on a read error (then error() is set).
  bool next(CapturedPacket& out);

 private:
  ::pcap* pcap_ = nullptr;
  std::string error_;
};

}  // namespace espnow::host
