// esp_random on the host's random device (the chip's RNG is a hardware one).
#include "esp_random.h"

#include <cstring>
#include <mutex>
#include <random>

extern "C" {

uint32_t esp_random(void) {
  static std::mutex mutex;
  static std::random_device device;
  std::lock_guard lk(mutex);
  return device();
}

void esp_fill_random(void* buf, size_t len) {
  auto* p = static_cast<unsigned char*>(buf);
  while (len) {
    const uint32_t r = esp_random();
    const size_t n = len < sizeof r ? len : sizeof r;
    std::memcpy(p, &r, n);
    p += n;
    len -= n;
  }
}

}  // extern "C"
