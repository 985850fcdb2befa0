// What every Python ESPNow object of one device shares: peers_table (a dict,
// as a board's, with one bytes key per MAC, always the same object) and
// irecv()'s reused [mac, bytearray] list. The dict is the application's to
// read; what it writes there is undone, row by row, as messages are read
// (a board's is rebuilt from the device's table the same way).
#pragma once

#include <pybind11/pybind11.h>

#include <unordered_map>

#include "espnow/api/espnow.hpp"
#include "espnow/wire/mac_address.hpp"

namespace espnow::py {

class RxState {
 public:
  // `espnow` owns the bounded table this one mirrors (peers_table_max).
  RxState(std::size_t max_message, const ESPNow& espnow);
  // Records a message read from `mac`; returns the table's key for it.
  pybind11::object record(const MacAddress& mac, int rssi, std::uint32_t time_ms);
  pybind11::object table() const { return dict_; }
  // irecv()'s list, whose bytearray has room for `max_message` bytes.
  pybind11::list& irecv_list() { return irecv_; }
  void ensure_irecv_capacity(std::size_t max_message);

 private:
  struct Row {
    pybind11::bytes key;
    pybind11::list entry;  // [rssi, time_ms]
  };
  // Drops the rows of senders the core's table let go.
  void trim();

  const ESPNow& espnow_;
  std::unordered_map<MacAddress, Row> rows_;
  // Puts `row` back in the dict if the application took it out or replaced it.
  void restore(Row& row);

  pybind11::dict dict_;
  pybind11::list irecv_;
  std::size_t irecv_capacity_ = 0;
};

}  // namespace espnow::py
