// pcap reading (libpcap behind our reader) and what capture -r does with
// each packet: radiotap, then the frame.
#include <sys/mman.h>
#include <unistd.h>

#include <array>
#include <string>

#include "espnow/frame.hpp"
#include "espnow/host/pcap_file.hpp"
#include "espnow/radiotap.hpp"
#include "fuzz_check.hpp"

using namespace espnow;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static std::array<std::uint8_t, wire::kMaxMessageV2> storage;
  const int fd = memfd_create("fuzz.pcap", 0);
  if (fd < 0) return 0;
  if (write(fd, data, size) != static_cast<ssize_t>(size)) return close(fd), 0;
  {
    host::PcapReader reader("/proc/self/fd/" + std::to_string(fd));
    host::CapturedPacket p;
    for (int n = 0; reader.ok() && n < 1000 && reader.next(p); ++n) {
      const auto rt = wire::parse_radiotap(p.bytes);
      if (rt.usable()) (void)wire::decode(std::span(p.bytes).subspan(rt.length), wire::Fcs::present, storage);
    }
  }
  close(fd);
  return 0;
}
