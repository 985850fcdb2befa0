// ChipServices: made with the chip; its NVS file is named after the chip's
// STA MAC, so a chip made again with the same MAC and directory boots with
// the NVS it had.
#include "chip_services.hpp"

#include "chip_state.hpp"
#include "event_loop.hpp"
#include "nvs_partition.hpp"

namespace espnow::emul::detail {

ChipServices::ChipServices(EmulatedChip& c, std::string dir) : chip(c), nvs_dir(std::move(dir)) {}

ChipServices::~ChipServices() = default;

NvsPartition& ChipServices::nvs() {
  std::lock_guard lk(mutex);
  if (!nvs_) {
    std::string path;
    if (!nvs_dir.empty()) {
      std::string mac = to_string(chip.radio().mac(Interface::sta));
      std::erase(mac, ':');
      path = nvs_dir + "/" + mac + ".nvs";
    }
    nvs_ = std::make_unique<NvsPartition>(path);
  }
  return *nvs_;
}

ChipServices& services() { return selected_chip().state().services; }

}  // namespace espnow::emul::detail
