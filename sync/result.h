// Errors as values (LevelDB's Status, ccache's expected): every adapter returns Result<T> or
// Status, so third-party exceptions never cross a port. Only main() catches everything.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace bzjira::sync {

// What kind of failure, which decides what a caller does about it.
enum class ErrorKind {
  transient,  // network down, timeout, 5xx, 429 after retries: try again on the next run
  rejected,   // the service refused the request (4xx other than auth / not found): fix the input
  not_found,  // the thing asked for does not exist or is not visible
  auth,       // credentials missing, wrong or without permission
  config,     // the mapping or the command line is wrong
  internal,   // a bug in bzjira or a response we cannot understand
};

const char* to_string(ErrorKind kind);

struct Error {
  ErrorKind kind = ErrorKind::internal;
  std::string message;   // for people; never contains a secret
  int http_status = 0;   // 0 when no HTTP answer was involved
  int service_code = 0;  // Bugzilla's numeric error code, when it sent one
};

inline Error make_error(ErrorKind kind, std::string message, int http_status = 0) {
  return Error{kind, std::move(message), http_status, 0};
}

// A value or an error (an Error unless said otherwise). ok() says which; value() and error() must
// only be called accordingly. [[nodiscard]]: a result dropped without a look is a bug (an explicit
// `(void)` says "whatever happened, go on").
template <typename T, typename E = Error>
class [[nodiscard]] Result {
 public:
  // NOLINTNEXTLINE(google-explicit-constructor)
  Result(T value) : m_v(std::in_place_index<0>, std::move(value)) {}
  // NOLINTNEXTLINE(google-explicit-constructor)
  Result(E error) : m_v(std::in_place_index<1>, std::move(error)) {}

  bool ok() const { return m_v.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(m_v); }
  const T& value() const& { return std::get<0>(m_v); }
  T&& value() && { return std::get<0>(std::move(m_v)); }
  const E& error() const { return std::get<1>(m_v); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, E> m_v;
};

struct Ok {};
using Status = Result<Ok>;
inline Status ok_status() { return Status(Ok{}); }

}  // namespace bzjira::sync
