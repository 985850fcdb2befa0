// One chip's NVS: namespaces of typed entries, kept in memory and, when the
// chip has a file, written through to it at each change (a chip's flash
// keeps what was written when the power goes).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <map>
#include <string>
#include <vector>

#include "nvs.h"

namespace espnow::emul::detail {

struct NvsEntry {
  nvs_type_t type = NVS_TYPE_ANY;
  std::vector<std::uint8_t> bytes;
};
using NvsNamespace = std::map<std::string, NvsEntry>;

class NvsPartition {
 public:
  // An empty path keeps the partition in memory; else it starts from the
  // file (if there is one) and writes through to it.
  explicit NvsPartition(std::string path);
  ~NvsPartition();
  NvsPartition(const NvsPartition&) = delete;
  NvsPartition& operator=(const NvsPartition&) = delete;

  bool initialized = false;
  std::map<std::string, NvsNamespace> namespaces;

  // Writes the partition to its file, if it has one. False on an I/O error.
  bool save() const;
  // Forgets every namespace and removes the file.
  void erase();
  // The contents as the file holds them, and back (then saved, if there is a
  // file): how a partition in memory outlives the default chip's restart.
  std::string text() const;
  void take_text(const std::string& text);
  const std::string& path() const { return path_; }

 private:
  void load();
  void read(std::istream& in);
  void write(std::ostream& out) const;
  std::string path_;
};

}  // namespace espnow::emul::detail
