#include "py_rx_state.hpp"

#include <unordered_set>

#include "py_args.hpp"
#include "py_bytearray.hpp"

namespace espnow::py {

namespace pyb = pybind11;

RxState::RxState(std::size_t max_message, const ESPNow& espnow)
    : espnow_(espnow), irecv_(2) {
  irecv_[0] = pyb::none();
  ensure_irecv_capacity(max_message);
}

void RxState::ensure_irecv_capacity(std::size_t max_message) {
  if (irecv_capacity_ >= max_message) return;
  PyObject* ba = new_receive_bytearray(max_message);
  if (!ba) throw pyb::error_already_set();
  irecv_[1] = pyb::reinterpret_steal<pyb::object>(ba);
  irecv_capacity_ = max_message;
}

pyb::object RxState::record(const MacAddress& mac, int rssi, std::uint32_t time_ms) {
  auto it = rows_.find(mac);
  if (it == rows_.end()) it = rows_.emplace(mac, Row{to_bytes(mac), pyb::list(2)}).first;
  Row& row = it->second;
  // The application may have shortened the list (it is its to hold): a new one.
  if (PyList_GET_SIZE(row.entry.ptr()) != 2) row.entry = pyb::list(2);
  // In place: the list the table holds is the one the caller may keep.
  PyList_SetItem(row.entry.ptr(), 0, PyLong_FromLong(rssi));
  PyList_SetItem(row.entry.ptr(), 1, PyLong_FromUnsignedLong(time_ms));
  restore(row);
  pyb::object key = it->second.key;
  if (rows_.size() > espnow_.peers_table_size()) trim();  // only when the core evicted someone
  return key;  // the caller's list holds it even if this sender was just let go
}

void RxState::restore(Row& row) {
  PyObject* held = PyDict_GetItemWithError(dict_.ptr(), row.key.ptr());
  if (held == row.entry.ptr()) return;
  if (PyErr_Occurred() || PyDict_SetItem(dict_.ptr(), row.key.ptr(), row.entry.ptr()) != 0)
    throw pyb::error_already_set();
}

void RxState::trim() {
  std::unordered_set<MacAddress> kept;
  for (const auto& [mac, entry] : espnow_.peers_table()) kept.insert(mac);
  for (auto it = rows_.begin(); it != rows_.end();) {
    if (kept.count(it->first)) {
      ++it;
      continue;
    }
    if (PyDict_DelItem(dict_.ptr(), it->second.key.ptr()) != 0) PyErr_Clear();  // the application took it out
    it = rows_.erase(it);
  }
}

}  // namespace espnow::py
