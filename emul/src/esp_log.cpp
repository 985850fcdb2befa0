// esp_log on the host: per-tag levels, ESP-IDF's line prefix, whole lines.
#include "esp_log.h"
#include "esp_check.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>

#include "chip_thread.hpp"

namespace {

struct Levels {
  std::mutex mutex;
  esp_log_level_t fallback = static_cast<esp_log_level_t>(CONFIG_LOG_DEFAULT_LEVEL);
  std::map<std::string, esp_log_level_t, std::less<>> by_tag;
};
Levels& levels() {
  static Levels l;
  return l;
}

bool enabled(esp_log_level_t level, const char* tag) { return level != ESP_LOG_NONE && level <= esp_log_level_get(tag); }

char letter(esp_log_level_t level) { return "NEWIDV"[level < ESP_LOG_MAX ? level : 0]; }

std::mutex g_out;
vprintf_like_t g_vprintf = nullptr;  // under g_out

int call_vprintf(vprintf_like_t fn, const char* format, ...) {
  va_list args;
  va_start(args, format);
  const int n = fn(format, args);
  va_end(args);
  return n;
}

void write_line(const std::string& line) {
  std::lock_guard lk(g_out);
  if (g_vprintf) return (void)call_vprintf(g_vprintf, "%s", line.c_str());
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fflush(stdout);  // line-buffered even into a pipe, as the chip's UART
}

std::string vformat(const char* format, va_list args) {
  va_list copy;
  va_copy(copy, args);
  const int n = std::vsnprintf(nullptr, 0, format, copy);
  va_end(copy);
  std::string s(n > 0 ? static_cast<std::size_t>(n) : 0, '\0');
  if (n > 0) std::vsnprintf(s.data(), s.size() + 1, format, args);
  return s;
}

void dump(const char* tag, const void* buffer, uint16_t len, esp_log_level_t level, bool hex) {
  if (!enabled(level, tag) || !buffer) return;
  const auto* bytes = static_cast<const unsigned char*>(buffer);
  for (uint16_t off = 0; off < len; off += 16) {
    std::string line;
    for (uint16_t i = off; i < len && i < off + 16; ++i) {
      char b[4];
      if (hex) std::snprintf(b, sizeof b, "%02x ", bytes[i]);
      else std::snprintf(b, sizeof b, "%c", bytes[i]);
      line += b;
    }
    if (hex && !line.empty()) line.pop_back();
    esp_emul_log_line(level, tag, "%s", line.c_str());
  }
}

// One line of ESP_LOG_BUFFER_HEXDUMP as ESP-IDF prints it: the address,
// 16 bytes in two groups of 8 (a short last line padded), and the bytes
// again as text between bars, a dot for what does not print.
std::string hexdump_line(const unsigned char* bytes, std::size_t count) {
  char text[32];
  std::snprintf(text, sizeof text, "%p ", static_cast<const void*>(bytes));
  std::string line = text;
  for (std::size_t i = 0; i < 16; ++i) {
    if (i % 8 == 0) line += ' ';
    if (i < count) std::snprintf(text, sizeof text, " %02x", bytes[i]);
    line += i < count ? text : "   ";
  }
  line += "  |";
  for (std::size_t i = 0; i < count; ++i) line += std::isprint(bytes[i]) ? static_cast<char>(bytes[i]) : '.';
  return line + '|';
}

}  // namespace

extern "C" {

void esp_log_level_set(const char* tag, esp_log_level_t level) {
  if (!tag || level >= ESP_LOG_MAX) return;
  Levels& l = levels();
  std::lock_guard lk(l.mutex);
  if (std::string_view(tag) == "*") {
    l.fallback = level;
    l.by_tag.clear();  // as ESP-IDF: "*" resets every tag
  } else {
    l.by_tag[tag] = level;
  }
}

void esp_emul_log_set_default_level(esp_log_level_t level) {
  if (level >= ESP_LOG_MAX) return;
  Levels& l = levels();
  std::lock_guard lk(l.mutex);
  l.fallback = level;
}

esp_log_level_t esp_log_level_get(const char* tag) {
  Levels& l = levels();
  std::lock_guard lk(l.mutex);
  if (tag) {
    const auto it = l.by_tag.find(std::string_view(tag));
    if (it != l.by_tag.end()) return it->second;
  }
  return l.fallback;
}

uint32_t esp_log_timestamp(void) {
  const auto since = espnow::emul::detail::since_start(espnow::emul::detail::current_clock());
  return static_cast<uint32_t>(std::chrono::duration_cast<std::chrono::milliseconds>(since).count());
}

vprintf_like_t esp_log_set_vprintf(vprintf_like_t func) {
  std::lock_guard lk(g_out);
  const vprintf_like_t previous = g_vprintf;
  g_vprintf = func;
  return previous;
}

void esp_log_write(esp_log_level_t level, const char* tag, const char* format, ...) {
  if (!enabled(level, tag)) return;
  va_list args;
  va_start(args, format);
  const std::string text = vformat(format, args);
  va_end(args);
  write_line(text);
}

void esp_emul_log_line(esp_log_level_t level, const char* tag, const char* format, ...) {
  if (!enabled(level, tag)) return;
  va_list args;
  va_start(args, format);
  const std::string text = vformat(format, args);
  va_end(args);
  char prefix[64];
  std::snprintf(prefix, sizeof prefix, "%c (%u) ", letter(level), static_cast<unsigned>(esp_log_timestamp()));
  write_line(prefix + std::string(tag ? tag : "") + ": " + text + "\n");
}

void esp_emul_check_failed(const char* tag, const char* func, int line, const char* format, ...) {
  if (!enabled(ESP_LOG_ERROR, tag)) return;
  va_list args;
  va_start(args, format);
  const std::string text = vformat(format, args);
  va_end(args);
  esp_emul_log_line(ESP_LOG_ERROR, tag, "%s(%d): %s", func, line, text.c_str());
}

void esp_log_buffer_hex_internal(const char* tag, const void* buffer, uint16_t buff_len, esp_log_level_t level) {
  dump(tag, buffer, buff_len, level, true);
}

void esp_log_buffer_char_internal(const char* tag, const void* buffer, uint16_t buff_len, esp_log_level_t level) {
  dump(tag, buffer, buff_len, level, false);
}

void esp_log_buffer_hexdump_internal(const char* tag, const void* buffer, uint16_t buff_len, esp_log_level_t level) {
  if (!enabled(level, tag) || !buffer) return;
  const auto* bytes = static_cast<const unsigned char*>(buffer);
  for (uint16_t off = 0; off < buff_len; off += 16)
    esp_emul_log_line(level, tag, "%s", hexdump_line(bytes + off, std::min<std::size_t>(16, buff_len - off)).c_str());
}

}  // extern "C"
