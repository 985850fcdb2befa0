// NvsPartition's file: a text file of hex fields, one line per namespace and
// per entry, replaced whole (written beside, then renamed) at each change so
// a process killed mid-write leaves the previous contents.
//
//   espnow-nvs 1
//   N <namespace>
//   E <namespace> <key> <type> <value>
#include "nvs_partition.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>

namespace espnow::emul::detail {
namespace {

constexpr const char* kMagic = "espnow-nvs 1";

std::string to_hex(const std::uint8_t* p, std::size_t n) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string s;
  s.reserve(2 * n + 1);
  for (std::size_t i = 0; i < n; ++i) {
    s += digits[p[i] >> 4];
    s += digits[p[i] & 15];
  }
  return s.empty() ? "-" : s;  // "-": empty, so every field has a token
}
std::string to_hex(const std::string& s) { return to_hex(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()); }

bool from_hex(const std::string& hex, std::vector<std::uint8_t>& out) {
  out.clear();
  if (hex == "-") return true;
  if (hex.size() % 2) return false;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    unsigned v = 0;
    if (std::sscanf(hex.c_str() + i, "%2x", &v) != 1) return false;
    out.push_back(static_cast<std::uint8_t>(v));
  }
  return true;
}
bool from_hex(const std::string& hex, std::string& out) {
  std::vector<std::uint8_t> bytes;
  if (!from_hex(hex, bytes)) return false;
  out.assign(bytes.begin(), bytes.end());
  return true;
}

}  // namespace

NvsPartition::NvsPartition(std::string path) : path_(std::move(path)) { load(); }
// The handle table forgets this partition's handles (nvs.cpp).

void NvsPartition::load() {
  if (path_.empty()) return;
  std::ifstream in(path_);
  if (in) read(in);
}

void NvsPartition::read(std::istream& in) {
  std::string line;
  if (!std::getline(in, line) || line != kMagic) return;  // no file yet, or not ours: an erased flash
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string tag, ns_hex, key_hex, value_hex, ns, key;
    unsigned type = 0;
    fields >> tag >> ns_hex;
    if (!from_hex(ns_hex, ns)) continue;
    if (tag == "N") {
      namespaces[ns];
      continue;
    }
    NvsEntry e;
    if (tag != "E" || !(fields >> key_hex >> std::hex >> type >> value_hex)) continue;
    if (!from_hex(key_hex, key) || !from_hex(value_hex, e.bytes)) continue;
    e.type = static_cast<nvs_type_t>(type);
    namespaces[ns][key] = std::move(e);
  }
}

void NvsPartition::write(std::ostream& out) const {
  out << kMagic << '\n';
  for (const auto& [ns, entries] : namespaces) {
    out << "N " << to_hex(ns) << '\n';
    for (const auto& [key, e] : entries)
      out << "E " << to_hex(ns) << ' ' << to_hex(key) << ' ' << std::hex << unsigned(e.type) << std::dec << ' '
          << to_hex(e.bytes.data(), e.bytes.size()) << '\n';
  }
}

bool NvsPartition::save() const {
  if (path_.empty()) return true;
  const std::string tmp = path_ + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    write(out);
    if (!out.flush()) return false;
  }
  return std::rename(tmp.c_str(), path_.c_str()) == 0;
}

std::string NvsPartition::text() const {
  std::ostringstream out;
  write(out);
  return out.str();
}

void NvsPartition::take_text(const std::string& text) {
  namespaces.clear();
  std::istringstream in(text);
  read(in);
  (void)save();
}

void NvsPartition::erase() {
  namespaces.clear();
  if (!path_.empty()) std::remove(path_.c_str());
}

}  // namespace espnow::emul::detail
