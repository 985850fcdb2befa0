// pcap reading (libpcap behind our reader) and what capture -r does with
// each packet: read_captured (radiotap or bare 802.11, FCS or not), then the frame.
#include <sys/mman.h>
#include <unistd.h>

#include <array>
#include <string>

#include "espnow/wire/frame.hpp"
#include "espnow/host/pcap_file.hpp"
#include "espnow/wire/radiotap.hpp"
#include "fuzz_check.hpp"

using namespace espnow;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static std::array<std::uint8_t, wire::kMaxMessageV2> storage;
  static std::array<std::uint8_t, 4096> frame_storage;  // a frame plus the FCS read_captured may append
  const int fd = memfd_create("fuzz.pcap", 0);
  if (fd < 0) return 0;
  if (write(fd, data, size) != static_cast<ssize_t>(size)) return close(fd), 0;
  {
    auto reader = host::PcapReader::open("/proc/self/fd/" + std::to_string(fd));
    host::CapturedPacket p;
    const bool readable = reader.ok() && wire::is_capture_link(reader->link_type());
    for (int n = 0; readable && n < 1000; ++n) {
      const Result<bool> got = reader->next(p);
      if (!got.ok() || !got.value()) break;
      const auto link = static_cast<wire::CaptureLink>(reader->link_type());
      const wire::CapturedFrame f = wire::read_captured(p.bytes, link, frame_storage);
      if (f.ok()) (void)wire::decode(f.frame, wire::Fcs::present, storage);
    }
  }
  close(fd);
  return 0;
}
