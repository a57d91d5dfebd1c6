// Store failures: what went wrong, and the CLI exit code it maps to.
#pragma once

#include <stdexcept>
#include <string>

namespace phasegate::store {

enum class ErrorKind {
  not_found,       // the store file does not exist or cannot be opened (exit 66)
  incompatible,    // not a phasegate store, or written by a newer phasegate (exit 66)
  io,              // disk full, locked past the busy timeout, corrupt file, I/O error (exit 74)
  invalid,         // a malformed argument: bad timestamp, verdicts of the wrong shape (exit 64)
  no_such_record,  // a decision id that is not in the log (exit 66)
};

class StoreError : public std::runtime_error {
 public:
  StoreError(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const { return kind_; }
  // The exit code of CLI.md for this failure.
  int exit_code() const {
    switch (kind_) {
      case ErrorKind::not_found:
      case ErrorKind::incompatible:
      case ErrorKind::no_such_record:
        return 66;
      case ErrorKind::io:
        return 74;
      case ErrorKind::invalid:
        return 64;
    }
    return 74;
  }

 private:
  ErrorKind kind_;
};

}  // namespace phasegate::store
