// The time of day of a chip's RTC (chip_services.hpp). The firmware reads
// it with gettimeofday and time and sets it with settimeofday, as ESP-IDF's
// newlib does; defined here, in the program, they are what a firmware
// module's calls reach too. A thread with a chip reads that chip's: on a
// Simulation's clock a virtual one, 0 at power-on, on through restarts and
// deep sleeps (sim_chip_power.hpp carries it); on the steady clock the
// host's, offset by what the firmware set (the host's own clock is never
// set). A thread without one reads and sets the host's.
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include "chip_state.hpp"

namespace espnow::emul::detail {

std::chrono::nanoseconds host_time_of_day() {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  return std::chrono::seconds(now.tv_sec) + std::chrono::nanoseconds(now.tv_nsec);
}

namespace {

// What the chip's time of day counts from: the host's time or the chip's clock.
std::chrono::nanoseconds base_of(Clock& clock) {
  return &clock == &steady_clock() ? host_time_of_day() : clock.now();
}

}  // namespace

std::int64_t time_of_day_offset_at_power_on(Clock& clock, std::chrono::nanoseconds boot) {
  return &clock == &steady_clock() ? 0 : -boot.count();
}

std::chrono::nanoseconds ChipServices::time_of_day() const {
  return base_of(clock) + std::chrono::nanoseconds(time_of_day_offset_ns.load());
}

void ChipServices::set_time_of_day(std::chrono::nanoseconds since_epoch) {
  time_of_day_offset_ns = (since_epoch - base_of(clock)).count();
}

}  // namespace espnow::emul::detail

extern "C" {

int gettimeofday(struct timeval* __restrict tv, void* __restrict) noexcept {
  using namespace std::chrono;
  espnow::emul::EmulatedChip* chip = espnow::emul::detail::chip_if_made();
  const nanoseconds t = chip ? chip->state().services.time_of_day() : espnow::emul::detail::host_time_of_day();
  const auto s = floor<seconds>(t);  // glibc declares tv non-null
  tv->tv_sec = static_cast<time_t>(s.count());
  tv->tv_usec = static_cast<suseconds_t>(duration_cast<microseconds>(t - s).count());
  return 0;
}

int settimeofday(const struct timeval* tv, const struct timezone* tz) noexcept {
  espnow::emul::EmulatedChip* chip = espnow::emul::detail::chip_if_made();
  if (!chip) return static_cast<int>(syscall(SYS_settimeofday, tv, tz));
  if (!tv) return 0;  // the time zone alone: newlib ignores it
  if (tv->tv_usec < 0 || tv->tv_usec >= 1000000) {
    errno = EINVAL;
    return -1;
  }
  chip->state().services.set_time_of_day(std::chrono::seconds(tv->tv_sec) + std::chrono::microseconds(tv->tv_usec));
  return 0;
}

time_t time(time_t* out) noexcept {
  timeval now{};
  gettimeofday(&now, nullptr);
  if (out) *out = now.tv_sec;
  return now.tv_sec;
}

}  // extern "C"
