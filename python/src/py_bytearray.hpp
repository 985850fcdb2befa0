// Receiving into a bytearray the way MicroPython does: the message is written
// into the bytearray's allocated storage and its length set to the message's,
// keeping the storage, so the same bytearray takes a longer message next time
// (MicroPython's recvinto sets `len` and keeps `alloc`).
#pragma once

#include <Python.h>

#include <cstddef>
#include <cstdint>
#include <span>

namespace espnow::py {

// A writable target pinned for the duration of a receive (another thread
// cannot resize or free it meanwhile).
class ReceiveTarget {
 public:
  // Returns false (and sets nothing) if `o` is not a writable buffer.
  bool pin(PyObject* o);
  ~ReceiveTarget() { unpin(); }
  // Where the message may go: a bytearray's whole storage, or the buffer.
  std::span<std::uint8_t> space() const { return space_; }
  // Unpins, then gives a bytearray the message's length.
  void finish(std::size_t length);

 private:
  void unpin();
  Py_buffer view_{};
  bool pinned_ = false;
  PyObject* bytearray_ = nullptr;  // set when `o` is a bytearray that may change length
  std::span<std::uint8_t> space_;
};

// A bytearray whose storage holds at least `capacity` bytes, length 0.
PyObject* new_receive_bytearray(std::size_t capacity);

}  // namespace espnow::py
