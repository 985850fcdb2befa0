// The 802.11 frame check sequence: the reflected CRC-32 of IEEE 802.3 (the
// value zlib's crc32 gives), little-endian after the frame.
#pragma once

#include <cstdint>
#include <span>

namespace espnow::wire {

inline constexpr std::size_t kFcsLen = 4;

std::uint32_t crc32(std::span<const std::uint8_t> bytes) noexcept;

// Writes the FCS of frame[0, size-4) into its last 4 bytes.
void write_fcs(std::span<std::uint8_t> frame_with_fcs) noexcept;

// True when the last 4 bytes are the FCS of the bytes before them.
bool fcs_ok(std::span<const std::uint8_t> frame_with_fcs) noexcept;

}  // namespace espnow::wire
