#include "py_args.hpp"

#include "py_errors.hpp"

namespace espnow::py {

ByteView::ByteView(pyb::handle o, bool allow_str) {
  if (allow_str && PyUnicode_Check(o.ptr())) {
    Py_ssize_t n = 0;
    const char* s = PyUnicode_AsUTF8AndSize(o.ptr(), &n);
    if (!s) throw pyb::error_already_set();
    data_ = reinterpret_cast<const std::uint8_t*>(s);
    size_ = static_cast<std::size_t>(n);
    valid_ = true;
    return;
  }
  if (!PyObject_CheckBuffer(o.ptr())) return;
  if (PyObject_GetBuffer(o.ptr(), &buffer_, PyBUF_SIMPLE) != 0) {
    PyErr_Clear();  // e.g. a non-contiguous view: not a usable buffer
    return;
  }
  has_buffer_ = true;
  valid_ = true;
  data_ = static_cast<const std::uint8_t*>(buffer_.buf);
  size_ = static_cast<std::size_t>(buffer_.len);
}

ByteView::~ByteView() {
  if (has_buffer_) PyBuffer_Release(&buffer_);
}

MacAddress mac_arg(pyb::handle o) {
  ByteView v(o, false);
  if (!v.valid()) raise_type_error("a MAC address must be bytes-like (6 bytes), not " + std::string(Py_TYPE(o.ptr())->tp_name));
  if (v.bytes().size() != MacAddress::size)
    raise_value_error("a MAC address must be 6 bytes, got " + std::to_string(v.bytes().size()));
  return MacAddress::read(v.bytes().data());
}

std::optional<MacAddress> optional_mac_arg(pyb::handle o) {
  if (o.is_none()) return std::nullopt;
  return mac_arg(o);
}

ByteView& message_arg(ByteView& view, pyb::handle o) {
  if (!view.valid()) raise_type_error("a message must be str or bytes-like, not " + std::string(Py_TYPE(o.ptr())->tp_name));
  return view;
}

std::int64_t int_arg(pyb::handle o, const char* what) {
  if (!PyLong_Check(o.ptr()) || PyBool_Check(o.ptr()))
    raise_type_error(std::string(what) + " must be an int, not " + Py_TYPE(o.ptr())->tp_name);
  int overflow = 0;
  const long long v = PyLong_AsLongLongAndOverflow(o.ptr(), &overflow);
  if (overflow != 0) raise_value_error(std::string(what) + " is out of range");
  return v;
}

std::optional<std::int64_t> timeout_arg(pyb::handle o) {
  if (o.is_none()) return std::nullopt;
  if (!PyLong_Check(o.ptr())) raise_value_error("timeout_ms must be an int or None");
  int overflow = 0;
  const long long v = PyLong_AsLongLongAndOverflow(o.ptr(), &overflow);
  if (overflow > 0) return INT64_MAX;  // longer than any wait: forever in practice
  if (overflow < 0) return -1;         // negative: forever
  return v;
}

pyb::bytes to_bytes(std::span<const std::uint8_t> data) {
  return {reinterpret_cast<const char*>(data.data()), data.size()};
}

pyb::bytes to_bytes(const MacAddress& mac) { return to_bytes(std::span<const std::uint8_t>(mac.bytes)); }

}  // namespace espnow::py
