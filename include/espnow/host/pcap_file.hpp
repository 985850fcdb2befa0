// pcap files of link type 127 (radiotap + 802.11) or 105 (bare 802.11),
// through libpcap. wire::read_captured() reads their packets.
// Host-only: the core library never depends on libpcap.
//
// Opening returns a Result (host_errc::pcap, with "cannot write PATH: why" or
// "cannot read PATH: why" as its detail), so an object that exists is open.
#pragma once

#include "espnow/host/host_only.hpp"

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "espnow/common/result.hpp"

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
  // Opens (truncates) `path`.
  static Result<PcapWriter> open(const std::string& path, int link_type = kLinkTypeRadiotap);
  PcapWriter(PcapWriter&& other) noexcept;
  PcapWriter& operator=(PcapWriter&& other) noexcept;
  ~PcapWriter();

  void write(std::span<const std::uint8_t> packet, std::chrono::microseconds timestamp);
  void flush();

 private:
  PcapWriter(::pcap* dead, ::pcap_dumper* dumper) noexcept : dead_(dead), dumper_(dumper) {}
  void close() noexcept;

  ::pcap* dead_ = nullptr;
  ::pcap_dumper* dumper_ = nullptr;
};

class PcapReader {
 public:
  static Result<PcapReader> open(const std::string& path);
  PcapReader(PcapReader&& other) noexcept;
  PcapReader& operator=(PcapReader&& other) noexcept;
  ~PcapReader();

  int link_type() const noexcept;
  // True: the next packet is in `out`; false: the end of the file; a read
  // error is host_errc::pcap with libpcap's words as its detail.
  Result<bool> next(CapturedPacket& out);

 private:
  explicit PcapReader(::pcap* pcap) noexcept : pcap_(pcap) {}

  ::pcap* pcap_ = nullptr;
};

}  // namespace espnow::host
