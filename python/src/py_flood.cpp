#include "py_flood.hpp"

#include <vector>

#include "py_args.hpp"
#include "espnow/common/library_thread.hpp"

namespace espnow::py {

namespace pyb = pybind11;

Flood::Flood(std::shared_ptr<PyDevice> from, const MacAddress& to, std::size_t count, std::size_t size)
    : from_(std::move(from)) {
  thread_ = start_library_thread([this, to, count, size] {
    std::vector<std::uint8_t> msg(size, 'f');
    ESPNow& e = from_->espnow();
    for (std::size_t i = 0; i < count; ++i) {
      msg[0] = static_cast<std::uint8_t>(i);
      const Result<bool> r = e.send(to, msg, true);
      if (r.ok() && r.value()) ++sent_;
      else ++failed_;
    }
  });
}

Flood::~Flood() { join(); }

void Flood::join() {
  if (!thread_.joinable()) return;
  pyb::gil_scoped_release nogil;
  thread_.join();
}

void bind_flood(pyb::module_& m) {
  pyb::class_<Flood>(m, "Flood", "A C++ thread sending count messages of size bytes from a device to a MAC.")
      .def(pyb::init([](std::shared_ptr<PyDevice> from, pyb::handle to, std::size_t count, std::size_t size) {
             return std::make_unique<Flood>(std::move(from), mac_arg(to), count, size);
           }),
           pyb::arg("device"), pyb::arg("to"), pyb::arg("count"), pyb::arg("size") = 250)
      .def("join", &Flood::join)
      .def_property_readonly("sent", &Flood::sent)
      .def_property_readonly("failed", &Flood::failed);
}

}  // namespace espnow::py
