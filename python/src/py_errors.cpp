#include "py_errors.hpp"

#include "espnow/common/errors.hpp"

namespace espnow::py {

namespace {

[[noreturn]] void raise(PyObject* type, PyObject* args) {
  PyErr_SetObject(type, args);
  Py_DECREF(args);
  throw pybind11::error_already_set();
}

}  // namespace

void raise_error(std::error_code ec) {
  const std::string name(error_name(ec));
  switch (error_kind(ec)) {
    case ErrorKind::value_error: raise_value_error(name);
    case ErrorKind::type_error: raise_type_error(name);
    case ErrorKind::os_error: break;
  }
  // ESP-IDF codes are negated, as MicroPython does; errno values stay as
  // they are (CPython then picks TimeoutError / FileNotFoundError).
  const bool esp = ec.value() >= 0x3000;
  const long number = esp ? -static_cast<long>(ec.value()) : ec.value();
  raise(PyExc_OSError, Py_BuildValue("(ls)", number, name.c_str()));
}

void raise_value_error(const std::string& message) { raise(PyExc_ValueError, Py_BuildValue("(s)", message.c_str())); }

void raise_type_error(const std::string& message) { raise(PyExc_TypeError, Py_BuildValue("(s)", message.c_str())); }

pybind11::object error_object(std::error_code ec) {
  try {
    raise_error(ec);
  } catch (pybind11::error_already_set& e) {
    return e.value();
  }
}

}  // namespace espnow::py
