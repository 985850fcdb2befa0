// esp_log and esp_err on the host: ESP-IDF's line format, per-tag levels,
// ESP_ERROR_CHECK_WITHOUT_ABORT printing and returning, ESP_ERROR_CHECK
// aborting with file, line and expression, esp_err_to_name.
#include <gtest/gtest.h>

#include <cctype>
#include <cerrno>
#include <iterator>
#include <string>

#include "esp_err.h"
#include "esp_log.h"
#include "esp_now.h"
#include "esp_wifi.h"
#include "log_program.h"
#include "nvs.h"

namespace {

// `text` with every run of digits replaced by "N", so timestamps compare.
// (Not std::regex: GCC 12 at -O1, as the sanitizer builds use, warns inside
// <regex> and -Werror stops the build.)
std::string digits_as_n(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) {
      out += text[i];
      continue;
    }
    out += 'N';
    while (i + 1 < text.size() && std::isdigit(static_cast<unsigned char>(text[i + 1]))) ++i;
  }
  return out;
}

// `text` with each line's timestamp as N and each 0x... address as ADDRESS.
std::string without_addresses(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 2, "0x") == 0) {
      out += "ADDRESS";
      for (i += 2; i + 1 < text.size() && std::isxdigit(static_cast<unsigned char>(text[i + 1])); ++i) {
      }
    } else if (text[i] == '(' && i > 0 && text[i - 1] == ' ') {
      out += "(N";
      while (i + 1 < text.size() && std::isdigit(static_cast<unsigned char>(text[i + 1]))) ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace

TEST(EspLog, LinesCarryLevelTimestampAndTagAndFollowPerTagLevels) {
  testing::internal::CaptureStdout();
  EXPECT_EQ(log_program_run(0), ESP_OK);
  std::string out = testing::internal::GetCapturedStdout();
  EXPECT_EQ(digits_as_n(out).rfind("I (N) prog: starting\nW (N) prog: value N\n", 0), 0u) << out;
  EXPECT_NE(out.find(" prog: value 0\n"), std::string::npos) << out;
  EXPECT_EQ(out.find("hidden"), std::string::npos);
  EXPECT_NE(out.find("prog: de ad 01\n"), std::string::npos) << out;
  // ESP_LOG_BUFFER_HEXDUMP as ESP-IDF documents its lines: address, two
  // groups of 8 bytes, the text; the last line padded.
  EXPECT_EQ(without_addresses(out.substr(out.find("W (", out.find("de ad 01")))),
            "W (N) prog: ADDRESS   45 53 50 33 32 20 69 73  20 67 72 65 61 74 2c 20  |ESP32 is great, |\n"
            "W (N) prog: ADDRESS   77 6f 72 6b 69 6e 67 20  61 6c 6f 6e 67 20 77 69  |working along wi|\n"
            "W (N) prog: ADDRESS   74 68 20 74 68 65 20 49  44 46 2e 00              |th the IDF..|\n")
      << out;

  // The tag at DEBUG: log_program.c's ESP_LOGD stays out all the same, as
  // on a chip: the file was compiled with LOG_LOCAL_LEVEL at
  // CONFIG_LOG_MAXIMUM_LEVEL (INFO by default).
  esp_log_level_set("prog", ESP_LOG_DEBUG);
  EXPECT_EQ(esp_log_level_get("prog"), ESP_LOG_DEBUG);
  EXPECT_EQ(esp_log_level_get("other"), ESP_LOG_INFO);  // CONFIG_LOG_DEFAULT_LEVEL
  testing::internal::CaptureStdout();
  log_program_run(0);
  out = testing::internal::GetCapturedStdout();
  EXPECT_EQ(out.find("hidden"), std::string::npos) << out;
  EXPECT_NE(out.find("I ("), std::string::npos) << out;

  esp_log_level_set("*", ESP_LOG_ERROR);  // resets every tag
  testing::internal::CaptureStdout();
  log_program_run(0);
  EXPECT_EQ(testing::internal::GetCapturedStdout(), "");
  esp_log_level_set("*", ESP_LOG_INFO);
}

TEST(EspLog, AFileCompilesInWhatItsLogLocalLevelSaysAndTheTagsLevelStillDecides) {
  testing::internal::CaptureStdout();
  log_local_level_program_run();
  EXPECT_EQ(testing::internal::GetCapturedStdout(), "") << "the tag starts at INFO";
  esp_log_level_set("local", ESP_LOG_VERBOSE);
  testing::internal::CaptureStdout();
  log_local_level_program_run();
  const std::string out = testing::internal::GetCapturedStdout();
  esp_log_level_set("local", ESP_LOG_INFO);
  EXPECT_EQ(digits_as_n(out), "D (N) local: compiled in\n") << "ESP_LOGV is above the file's LOG_LOCAL_LEVEL";
}

TEST(EspErr, CheckWithoutAbortPrintsTheCallAndReturnsItsCode) {
  testing::internal::CaptureStdout();
  testing::internal::CaptureStderr();
  EXPECT_EQ(log_program_run(1), ESP_ERR_INVALID_ARG);
  testing::internal::GetCapturedStdout();
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("ESP_ERR_INVALID_ARG"), std::string::npos) << err;
  EXPECT_NE(err.find("log_program.c:"), std::string::npos) << err;
  EXPECT_NE(err.find("expression: value == 0 ? ESP_OK : ESP_ERR_INVALID_ARG"), std::string::npos) << err;
}

TEST(EspErr, NamesItsCodes) {
  EXPECT_STREQ(esp_err_to_name(ESP_OK), "ESP_OK");
  EXPECT_STREQ(esp_err_to_name(ESP_ERR_TIMEOUT), "ESP_ERR_TIMEOUT");
  EXPECT_STREQ(esp_err_to_name(ESP_ERR_ESPNOW_NOT_FOUND), "ESP_ERR_ESPNOW_NOT_FOUND");
  EXPECT_STREQ(esp_err_to_name(ESP_ERR_NVS_NOT_FOUND), "ESP_ERR_NVS_NOT_FOUND");
  EXPECT_STREQ(esp_err_to_name(0x7777), "UNKNOWN ERROR");
}

// The list is made from the headers at configure time (tests/CMakeLists.txt).
TEST(EspErr, EveryCodeTheHeadersDefineHasItsName) {
  struct Code {
    esp_err_t code;
    const char* name;
  };
  const Code codes[] = {
#include "emul_error_codes.inc"
  };
  ASSERT_GT(std::size(codes), 40u);
  for (const Code& c : codes) EXPECT_STREQ(esp_err_to_name(c.code), c.name);
}

TEST(EspErr, NameRWritesTheNameAnErrnoOrTheUnknownCode) {
  char buf[64];
  EXPECT_EQ(esp_err_to_name_r(ESP_ERR_NVS_INVALID_NAME, buf, sizeof buf), buf);
  EXPECT_STREQ(buf, "ESP_ERR_NVS_INVALID_NAME");
  EXPECT_STREQ(esp_err_to_name_r(0x7777, buf, sizeof buf), "UNKNOWN ERROR 0x7777(30583)");
  EXPECT_STRNE(esp_err_to_name_r(ENOENT, buf, sizeof buf), "UNKNOWN ERROR 0x2(2)");
  char small[8];
  EXPECT_STREQ(esp_err_to_name_r(ESP_ERR_NVS_INVALID_NAME, small, sizeof small), "ESP_ERR");
}

TEST(EspErrDeathTest, ErrorCheckAbortsNamingFileLineAndExpression) {
  EXPECT_DEATH(ESP_ERROR_CHECK(ESP_ERR_NO_MEM), "ESP_ERR_NO_MEM.*esp_log_test.cpp:[0-9]+\nexpression: ESP_ERR_NO_MEM");
}
