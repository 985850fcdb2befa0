// A C++ thread that sends `count` messages of `size` bytes from one device to
// another, for benchmarks and load tests that must not be limited by Python
// (espnow_sim.Flood). It runs without the GIL.
#pragma once

#include <pybind11/pybind11.h>

#include <atomic>
#include <memory>
#include <thread>

#include "py_device.hpp"

namespace espnow::py {

class Flood {
 public:
  Flood(std::shared_ptr<PyDevice> from, const MacAddress& to, std::size_t count, std::size_t size);
  ~Flood();
  Flood(const Flood&) = delete;
  Flood& operator=(const Flood&) = delete;
  void join();
  std::size_t sent() const { return sent_.load(); }   // sends the link took
  std::size_t failed() const { return failed_.load(); }  // sends that raised or were not ACKed

 private:
  std::shared_ptr<PyDevice> from_;
  std::atomic<std::size_t> sent_{0}, failed_{0};
  std::thread thread_;
};

void bind_flood(pybind11::module_& m);

}  // namespace espnow::py
