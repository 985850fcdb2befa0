// RTC memory across the default chip's reboots: each section's bytes, as
// hex, in an environment variable of the program executed next, copied back
// by a constructor that runs before the program's own (and before main).
// The linker bounds each section with __start_/__stop_ symbols; weak, so a
// program without RTC variables links too.
#include "rtc_memory.hpp"

#include <dlfcn.h>

#include <cstdlib>
#include <cstring>
#include <string>

extern "C" {
extern char __start_espnow_rtc_data[] __attribute__((weak));
extern char __stop_espnow_rtc_data[] __attribute__((weak));
extern char __start_espnow_rtc_noinit[] __attribute__((weak));
extern char __stop_espnow_rtc_noinit[] __attribute__((weak));
}

namespace espnow::emul::detail {

namespace {

struct Section {
  const char* variable;  // the environment variable carrying it
  char* begin;
  char* end;
};

// The program's own sections, until a firmware module's replace them.
Section g_rtc_data{"ESPNOW_EMUL_RTC_DATA", __start_espnow_rtc_data, __stop_espnow_rtc_data};
Section g_rtc_noinit{"ESPNOW_EMUL_RTC_NOINIT", __start_espnow_rtc_noinit, __stop_espnow_rtc_noinit};

const Section& rtc_data() { return g_rtc_data; }
const Section& rtc_noinit() { return g_rtc_noinit; }

std::size_t size_of(const Section& s) {
  return s.begin && s.end > s.begin ? static_cast<std::size_t>(s.end - s.begin) : 0;
}

void hand_over(const Section& s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text;
  text.reserve(2 * size_of(s));
  for (std::size_t i = 0; i < size_of(s); ++i) {
    const auto byte = static_cast<unsigned char>(s.begin[i]);
    text += kHex[byte >> 4];
    text += kHex[byte & 0x0f];
  }
  setenv(s.variable, text.c_str(), 1);
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Only hex that fits the section exactly: the same program wrote it.
bool fits(const Section& s, const char* text) {
  if (std::strlen(text) != 2 * size_of(s)) return false;
  for (const char* c = text; *c; ++c)
    if (hex_digit(*c) < 0) return false;
  return true;
}

void take_back(const Section& s) {
  const char* text = std::getenv(s.variable);
  // A program without the section leaves it to its firmware module.
  if (!text || size_of(s) == 0) return;
  if (fits(s, text))
    for (std::size_t i = 0; i < size_of(s); ++i)
      s.begin[i] = static_cast<char>(hex_digit(text[2 * i]) << 4 | hex_digit(text[2 * i + 1]));
  unsetenv(s.variable);  // programs this one starts boot afresh
}

// Priority 101, the first a program may use: before any constructor of
// the program that could read an RTC variable.
__attribute__((constructor(101))) void take_back_rtc_memory() {
  take_back(rtc_noinit());
  take_back(rtc_data());
}

}  // namespace

void adopt_rtc_memory_of(void* module) {
  // espnow_add_firmware puts the bounds in every module it makes.
  const auto* bounds = static_cast<char* const*>(dlsym(module, "espnow_firmware_rtc_sections"));
  if (bounds == nullptr) return;
  g_rtc_data.begin = bounds[0];
  g_rtc_data.end = bounds[1];
  g_rtc_noinit.begin = bounds[2];
  g_rtc_noinit.end = bounds[3];
  take_back(rtc_noinit());
  take_back(rtc_data());
}

void hand_over_rtc_memory(bool deep_sleep) {
  hand_over(rtc_noinit());
  if (deep_sleep) hand_over(rtc_data());
  else unsetenv(rtc_data().variable);
}

}  // namespace espnow::emul::detail
