#include "espnow/host/pcap_file.hpp"
#include "espnow/host/host_errors.hpp"

#include <pcap/pcap.h>

#include <utility>

namespace espnow::host {

Result<PcapWriter> PcapWriter::open(const std::string& path, int link_type) {
  ::pcap* dead = pcap_open_dead(link_type, 65535);
  if (!dead) return Error(host_errc::pcap, "pcap_open_dead failed");
  ::pcap_dumper* dumper = pcap_dump_open(dead, path.c_str());
  if (!dumper) {
    Error error(host_errc::pcap, std::string("cannot write ") + path + ": " + pcap_geterr(dead));
    pcap_close(dead);
    return error;
  }
  return PcapWriter(dead, dumper);
}

PcapWriter::PcapWriter(PcapWriter&& other) noexcept
    : dead_(std::exchange(other.dead_, nullptr)), dumper_(std::exchange(other.dumper_, nullptr)) {}

PcapWriter& PcapWriter::operator=(PcapWriter&& other) noexcept {
  if (this != &other) {
    close();
    dead_ = std::exchange(other.dead_, nullptr);
    dumper_ = std::exchange(other.dumper_, nullptr);
  }
  return *this;
}

PcapWriter::~PcapWriter() { close(); }

void PcapWriter::close() noexcept {
  if (dumper_) pcap_dump_close(std::exchange(dumper_, nullptr));
  if (dead_) pcap_close(std::exchange(dead_, nullptr));
}

void PcapWriter::write(std::span<const std::uint8_t> packet, std::chrono::microseconds ts) {
  if (!dumper_) return;  // moved from
  pcap_pkthdr hdr{};
  hdr.ts.tv_sec = static_cast<time_t>(ts.count() / 1000000);
  hdr.ts.tv_usec = static_cast<suseconds_t>(ts.count() % 1000000);
  hdr.caplen = hdr.len = static_cast<bpf_u_int32>(packet.size());
  pcap_dump(reinterpret_cast<u_char*>(dumper_), &hdr, packet.data());
}

void PcapWriter::flush() {
  if (dumper_) pcap_dump_flush(dumper_);
}

Result<PcapReader> PcapReader::open(const std::string& path) {
  char err[PCAP_ERRBUF_SIZE] = {};
  ::pcap* p = pcap_open_offline(path.c_str(), err);
  if (!p) return Error(host_errc::pcap, std::string("cannot read ") + path + ": " + err);
  return PcapReader(p);
}

PcapReader::PcapReader(PcapReader&& other) noexcept : pcap_(std::exchange(other.pcap_, nullptr)) {}

PcapReader& PcapReader::operator=(PcapReader&& other) noexcept {
  if (this != &other) {
    if (pcap_) pcap_close(pcap_);
    pcap_ = std::exchange(other.pcap_, nullptr);
  }
  return *this;
}

PcapReader::~PcapReader() {
  if (pcap_) pcap_close(pcap_);
}

int PcapReader::link_type() const noexcept { return pcap_ ? pcap_datalink(pcap_) : -1; }

Result<bool> PcapReader::next(CapturedPacket& out) {
  if (!pcap_) return false;  // moved from
  pcap_pkthdr* hdr = nullptr;
  const u_char* data = nullptr;
  const int rc = pcap_next_ex(pcap_, &hdr, &data);
  if (rc == 1) {
    out.timestamp = std::chrono::microseconds(
        static_cast<std::int64_t>(hdr->ts.tv_sec) * 1000000 + hdr->ts.tv_usec);
    out.bytes.assign(data, data + hdr->caplen);
    return true;
  }
  if (rc == PCAP_ERROR) return Error(host_errc::pcap, pcap_geterr(pcap_));
  return false;
}

}  // namespace espnow::host
