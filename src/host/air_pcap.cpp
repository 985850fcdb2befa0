#include "espnow/host/air_pcap.hpp"

#include "espnow/wire/phy.hpp"
#include "espnow/wire/radiotap.hpp"

namespace espnow::host {

std::vector<std::uint8_t> radiotap_packet(std::span<const std::uint8_t> frame, std::uint8_t channel, PhyRate rate,
                                          std::optional<int> signal_dbm) {
  wire::RadiotapFields f = wire::capture_fields(rate, channel);
  if (signal_dbm) f.has_signal = true, f.signal_dbm = static_cast<std::int8_t>(*signal_dbm);
  std::vector<std::uint8_t> packet(wire::radiotap_size(f));
  wire::build_radiotap(f, packet);
  packet.insert(packet.end(), frame.begin(), frame.end());
  return packet;
}

Result<std::unique_ptr<AirPcap>> AirPcap::open(const std::string& path) {
  auto writer = PcapWriter::open(path);
  if (!writer.ok()) return writer.failure();
  return std::unique_ptr<AirPcap>(new AirPcap(std::move(writer).value()));
}

void AirPcap::write(const AiredFrame& frame) {
  writer_.write(radiotap_packet(frame.frame, frame.channel, frame.rate, std::nullopt),
                std::chrono::duration_cast<std::chrono::microseconds>(frame.at));
  ++frames_;
}

}  // namespace espnow::host
