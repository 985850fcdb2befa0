#include "py_errors.hpp"

#include <pybind11/eval.h>

#include "espnow/common/errors.hpp"

namespace espnow::py {

namespace {

[[noreturn]] void raise(PyObject* type, PyObject* args) {
  PyErr_SetObject(type, args);
  Py_DECREF(args);
  throw pybind11::error_already_set();
}

const char* standard_message(ArgError e) {
  switch (e) {
    case ArgError::bad_mac: return "invalid MAC address (must be 6 bytes)";
    case ArgError::bad_key: return "invalid key (must be 16 bytes)";
    case ArgError::bad_config: return "invalid config parameter or value";
    case ArgError::buffer_too_small: return "buffer too small for the message";
    case ArgError::list_too_short: return "list must have at least 2 elements";
    case ArgError::not_callable: return "callback is not callable";
    case ArgError::bad_channel: return "invalid channel (must be 0..14)";
    case ArgError::bad_ifidx: return "invalid ifidx (must be 0 (STA) or 1 (AP))";
    case ArgError::not_a_list: return "expected a list";
    case ArgError::not_a_buffer: return "expected a bytes-like object";
    case ArgError::too_many_args: return "too many positional arguments";
  }
  return "invalid argument";
}

// The board's OSError (bind_errors): PyExc_OSError until the module is bound.
PyObject* board_os_error = PyExc_OSError;

// An OSError as MicroPython prints it: its one argument, else the tuple of
// them, `(-12393, 'ESP_ERR_ESPNOW_NOT_FOUND')`, where CPython's OSError says
// `[Errno -12393] ESP_ERR_ESPNOW_NOT_FOUND`. Named builtins.OSError, so that a
// traceback's last line is the board's too; `except OSError` catches it.
constexpr const char* kBoardOsError = R"(
import builtins

class OSError(builtins.OSError):
    __module__ = "builtins"
    __qualname__ = "OSError"

    def __str__(self):
        return str(self.args[0]) if len(self.args) == 1 else repr(self.args) if self.args else ""
)";

bool is_type_error(ArgError e) { return e >= ArgError::not_a_list; }

}  // namespace

void bind_errors(pybind11::module_& m) {
  pybind11::dict scope;
  pybind11::exec(kBoardOsError, scope);
  m.attr("BoardOSError") = scope["OSError"];
  board_os_error = pybind11::object(scope["OSError"]).release().ptr();  // the module's for good
}

void raise_arg_error(ArgError e, const std::string& detail) {
  const std::string message = detail.empty() ? standard_message(e) : detail;
  if (is_type_error(e)) raise_type_error(message);
  raise_value_error(message);
}

void raise_error(const Error& error) {
  const std::error_code ec = error.code();
  if (ec.category() == espnow_category()) {
    // ESP-IDF codes are negated, as MicroPython does, and named as ESP-IDF names them.
    raise(board_os_error, Py_BuildValue("(ls)", -static_cast<long>(ec.value()), error_name(ec).c_str()));
  }
  // errno values stay as they are (CPython then picks TimeoutError /
  // FileNotFoundError); the text is the detail, or the system's.
  const std::string text = error.detail().empty() ? ec.message() : error.detail();
  raise(PyExc_OSError, Py_BuildValue("(ls)", static_cast<long>(ec.value()), text.c_str()));
}

void raise_error(std::error_code ec) { raise_error(Error(ec)); }

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
