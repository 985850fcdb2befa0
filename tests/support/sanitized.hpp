// kSanitized: whether this test binary was built with AddressSanitizer or
// ThreadSanitizer. They slow a long simulation about fivefold (ASan+UBSan)
// and fortyfold (TSan; both measured on the seed sweep), so a test that runs
// many simulated minutes runs fewer of them there: the sanitizers look for
// races and bad accesses, which a shorter run exercises on the same code
// paths, while the plain build keeps the full length.
#pragma once

namespace espnow::test {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
inline constexpr bool kSanitized = true;
#else
inline constexpr bool kSanitized = false;
#endif
#else
inline constexpr bool kSanitized = false;
#endif

}  // namespace espnow::test
