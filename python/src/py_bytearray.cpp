#include "py_bytearray.hpp"

namespace espnow::py {

namespace {

// Bytes the bytearray can hold without reallocating (its length at least).
std::size_t storage(PyByteArrayObject* b) {
  const Py_ssize_t offset = b->ob_start - b->ob_bytes;
  const Py_ssize_t room = b->ob_alloc > 0 ? b->ob_alloc - offset - 1 : 0;  // one byte for the NUL
  return static_cast<std::size_t>(room > Py_SIZE(b) ? room : Py_SIZE(b));
}

}  // namespace

bool ReceiveTarget::pin(PyObject* o) {
  if (PyObject_GetBuffer(o, &view_, PyBUF_WRITABLE) != 0) {
    PyErr_Clear();
    return false;
  }
  pinned_ = true;
  auto* data = static_cast<std::uint8_t*>(view_.buf);
  space_ = {data, static_cast<std::size_t>(view_.len)};
  // Our own export is the only one: the length may change after the receive.
  // (An empty bytearray's buffer is a shared static "": use its own storage.)
  auto* b = reinterpret_cast<PyByteArrayObject*>(o);
  if (PyByteArray_CheckExact(o) && b->ob_exports == 1) {
    bytearray_ = o;
    const bool has_storage = b->ob_alloc > 0 && b->ob_start != nullptr;
    space_ = {has_storage ? reinterpret_cast<std::uint8_t*>(b->ob_start) : data, has_storage ? storage(b) : 0};
  }
  return true;
}

void ReceiveTarget::unpin() {
  if (pinned_) PyBuffer_Release(&view_);
  pinned_ = false;
}

void ReceiveTarget::finish(std::size_t length) {
  unpin();
  if (!bytearray_ || length > space_.size()) return;
  auto* b = reinterpret_cast<PyByteArrayObject*>(bytearray_);
  Py_SET_SIZE(b, static_cast<Py_ssize_t>(length));
  if (b->ob_alloc > 0) b->ob_start[length] = '\0';
}

PyObject* new_receive_bytearray(std::size_t capacity) {
  PyObject* o = PyByteArray_FromStringAndSize(nullptr, static_cast<Py_ssize_t>(capacity));
  if (!o) return nullptr;
  auto* b = reinterpret_cast<PyByteArrayObject*>(o);
  Py_SET_SIZE(b, 0);  // keeps the storage, as a shrink within it does
  b->ob_start[0] = '\0';
  return o;
}

}  // namespace espnow::py
