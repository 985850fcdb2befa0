#include "espnow/host/pcap_file.hpp"

#include <pcap/pcap.h>

namespace espnow::host {

PcapWriter::PcapWriter(const std::string& path, int link_type) {
  dead_ = pcap_open_dead(link_type, 65535);
  if (!dead_) {
    error_ = "pcap_open_dead failed";
    return;
  }
  dumper_ = pcap_dump_open(dead_, path.c_str());
  if (!dumper_) error_ = std::string("cannot write ") + path + ": " + pcap_geterr(dead_);
}

PcapWriter::~PcapWriter() {
  if (dumper_) pcap_dump_close(dumper_);
  if (dead_) pcap_close(dead_);
}

void PcapWriter::write(std::span<const std::uint8_t> packet, std::chrono::microseconds ts) {
  if (!dumper_) return;
  pcap_pkthdr hdr{};
  hdr.ts.tv_sec = static_cast<time_t>(ts.count() / 1000000);
  hdr.ts.tv_usec = static_cast<suseconds_t>(ts.count() % 1000000);
  hdr.caplen = hdr.len = static_cast<bpf_u_int32>(packet.size());
  pcap_dump(reinterpret_cast<u_char*>(dumper_), &hdr, packet.data());
}

void PcapWriter::flush() {
  if (dumper_) pcap_dump_flush(dumper_);
}

PcapReader::PcapReader(const std::string& path) {
  char err[PCAP_ERRBUF_SIZE] = {};
  pcap_ = pcap_open_offline(path.c_str(), err);
  if (!pcap_) error_ = std::string("cannot read ") + path + ": " + err;
}

PcapReader::~PcapReader() {
  if (pcap_) pcap_close(pcap_);
}

int PcapReader::link_type() const noexcept { return pcap_ ? pcap_datalink(pcap_) : -1; }

bool PcapReader::next(CapturedPacket& out) {
  if (!pcap_) return false;
  pcap_pkthdr* hdr = nullptr;
  const u_char* data = nullptr;
  const int rc = pcap_next_ex(pcap_, &hdr, &data);
  if (rc == 1) {
    out.timestamp = std::chrono::microseconds(
        static_cast<std::int64_t>(hdr->ts.tv_sec) * 1000000 + hdr->ts.tv_usec);
    out.bytes.assign(data, data + hdr->caplen);
    return true;
  }
  if (rc == PCAP_ERROR) error_ = pcap_geterr(pcap_);
  return false;
}

}  // namespace espnow::host
