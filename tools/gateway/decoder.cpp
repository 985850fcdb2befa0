#include "decoder.hpp"

#include <bit>
#include <cmath>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <sstream>

namespace espnow::gateway {
namespace {

struct TypeName {
  const char* name;
  FieldType type;
  std::size_t size;
};
constexpr TypeName kTypes[] = {{"u8", FieldType::u8, 1},   {"i8", FieldType::i8, 1},   {"u16", FieldType::u16, 2},
                               {"i16", FieldType::i16, 2}, {"u32", FieldType::u32, 4}, {"i32", FieldType::i32, 4},
                               {"u64", FieldType::u64, 8}, {"i64", FieldType::i64, 8}, {"f32", FieldType::f32, 4},
                               {"f64", FieldType::f64, 8}, {"bool", FieldType::boolean, 1}};

std::size_t size_of(const DecoderField& f) {
  if (f.type == FieldType::skip) return f.skip;
  for (const TypeName& t : kTypes)
    if (t.type == f.type) return t.size;
  return 0;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  std::stringstream in(s);
  for (std::string part; std::getline(in, part, sep);) parts.push_back(trim(part));
  if (!s.empty() && s.back() == sep) parts.emplace_back();
  return parts;
}

bool valid_name(const std::string& name) {
  if (name.empty()) return false;
  for (unsigned char c : name)
    if (!std::isalnum(c) && c != '_') return false;
  return true;
}

std::optional<DecoderField> parse_field(const std::string& text, std::string& error) {
  const auto parts = split(text, ':');
  if (parts.size() < 2 || parts.size() > 4) return error = "'" + text + "' is not NAME:TYPE[*SCALE][:UNIT[:CLASS]]", std::nullopt;
  DecoderField f;
  f.name = parts[0];
  if (f.name == "skip") {
    char* end = nullptr;
    const long n = std::strtol(parts[1].c_str(), &end, 10);
    if (parts.size() != 2 || *end || n < 1 || n > 1470) return error = "'" + text + "': skip:N takes 1 to 1470 bytes", std::nullopt;
    f.type = FieldType::skip, f.skip = static_cast<std::size_t>(n);
    return f;
  }
  if (!valid_name(f.name)) return error = "'" + f.name + "' is not a field name (letters, digits, _)", std::nullopt;
  std::string type = parts[1];
  if (const auto star = type.find('*'); star != std::string::npos) {
    const std::string scale = type.substr(star + 1);
    char* end = nullptr;
    f.scale = std::strtod(scale.c_str(), &end);
    if (scale.empty() || *end) return error = "'" + text + "': '" + scale + "' is not a scale", std::nullopt;
    type.resize(star);
  }
  bool known = false;
  for (const TypeName& t : kTypes)
    if (type == t.name) f.type = t.type, known = true;
  if (!known) return error = "'" + text + "': '" + type + "' is not u8, i8, u16, i16, u32, i32, u64, i64, f32, f64 or bool", std::nullopt;
  if (parts.size() > 2) f.unit = parts[2];
  if (parts.size() > 3) f.device_class = parts[3];
  return f;
}

template <typename T>
T read_le(const std::uint8_t* p) {
  using U = std::conditional_t<sizeof(T) == 1, std::uint8_t,
            std::conditional_t<sizeof(T) == 2, std::uint16_t, std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>>>;
  U u = 0;
  for (std::size_t i = sizeof(T); i-- > 0;) u = static_cast<U>(u << 8 | p[i]);
  return std::bit_cast<T>(u);
}

nlohmann::json value_of(const DecoderField& f, const std::uint8_t* p) {
  double v = 0;
  switch (f.type) {
    case FieldType::boolean: return p[0] != 0;
    case FieldType::u8: v = read_le<std::uint8_t>(p); break;
    case FieldType::i8: v = read_le<std::int8_t>(p); break;
    case FieldType::u16: v = read_le<std::uint16_t>(p); break;
    case FieldType::i16: v = read_le<std::int16_t>(p); break;
    case FieldType::u32: v = read_le<std::uint32_t>(p); break;
    case FieldType::i32: v = read_le<std::int32_t>(p); break;
    case FieldType::u64: if (!f.scale) return read_le<std::uint64_t>(p); v = static_cast<double>(read_le<std::uint64_t>(p)); break;
    case FieldType::i64: if (!f.scale) return read_le<std::int64_t>(p); v = static_cast<double>(read_le<std::int64_t>(p)); break;
    case FieldType::f32: v = read_le<float>(p); break;
    case FieldType::f64: v = read_le<double>(p); break;
    case FieldType::skip: return nullptr;
  }
  if (f.scale) return v * *f.scale;
  if (f.type == FieldType::f32 || f.type == FieldType::f64) return v;
  return static_cast<std::int64_t>(v);  // whole numbers stay whole in the JSON
}

}  // namespace

std::size_t Decoder::size() const {
  std::size_t n = 0;
  for (const DecoderField& f : fields) n += size_of(f);
  return n;
}

std::optional<Decoder> parse_decoder(const std::string& name, const std::string& layout, std::string& error) {
  if (!valid_name(name)) return error = "'" + name + "' is not a decoder name (letters, digits, _)", std::nullopt;
  Decoder d{.name = name, .fields = {}};
  for (const std::string& item : split(layout, ',')) {
    auto f = parse_field(item, error);
    if (!f) return std::nullopt;
    for (const DecoderField& g : d.fields)
      if (f->type != FieldType::skip && g.name == f->name) return error = "field '" + f->name + "' twice", std::nullopt;
    d.fields.push_back(std::move(*f));
  }
  if (d.fields.empty()) return error = "a decoder needs at least one field", std::nullopt;
  return d;
}

std::optional<nlohmann::json> decode(const Decoder& d, std::span<const std::uint8_t> data) {
  if (data.size() < d.size()) return std::nullopt;
  nlohmann::json j = nlohmann::json::object();
  std::size_t at = 0;
  for (const DecoderField& f : d.fields) {
    if (f.type != FieldType::skip) {
      nlohmann::json v = value_of(f, data.data() + at);
      if (v.is_number_float() && !std::isfinite(v.get<double>())) v = nullptr;  // NaN is no JSON
      j[f.name] = std::move(v);
    }
    at += size_of(f);
  }
  return j;
}

}  // namespace espnow::gateway
