// Decoders: a sender's bytes as named values, from a declarative layout in
// the config file (docs/gateway.md, "Decoders"), so the C struct a sensor
// sends becomes JSON without code:
//   decoder climate = temperature:i16*0.01:°C:temperature, humidity:u16*0.1:%:humidity, battery:u8, skip:2
//   decode = 24:6f:28:aa:bb:cc climate        (or: decode = all climate)
// Each field is NAME:TYPE[*SCALE][:UNIT[:DEVICE_CLASS]], little-endian as
// an ESP32 lays out a struct; "skip:N" passes over N bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace espnow::gateway {

enum class FieldType : std::uint8_t { u8, i8, u16, i16, u32, i32, u64, i64, f32, f64, boolean, skip };

struct DecoderField {
  std::string name;
  FieldType type = FieldType::u8;
  std::size_t skip = 0;         // for FieldType::skip: bytes passed over
  std::optional<double> scale;  // the value times this (the result is a number)
  std::string unit;             // for Home Assistant: unit_of_measurement
  std::string device_class;     // for Home Assistant: device_class
};

struct Decoder {
  std::string name;
  std::vector<DecoderField> fields;
  std::size_t size() const;  // bytes the layout needs
};

// Parses "FIELD, FIELD, ..."; on a mistake, its description in `error`.
std::optional<Decoder> parse_decoder(const std::string& name, const std::string& layout, std::string& error);

// The fields' values as a JSON object; nothing when `data` is shorter than
// the layout (longer is fine: the rest is ignored).
std::optional<nlohmann::json> decode(const Decoder& d, std::span<const std::uint8_t> data);

}  // namespace espnow::gateway
