// Two small text encodings every layer needs, in one place: RFC 3986 percent-encoding (URLs the
// clients build, and the encoded form of a secret the redaction looks for) and the 64-bit FNV-1a
// hash in hex (the plan's fingerprints and the reply texts' hash).
#pragma once

#include <string>
#include <string_view>

namespace bzjira::sync {

// Every byte but RFC 3986's unreserved characters (ALPHA, DIGIT, "-", ".", "_", "~") as %XX with
// upper-case hex digits: safe in a path segment and in a query value.
std::string url_encode(std::string_view value);

// FNV-1a, 64 bits, as 16 lower-case hex digits. Tells texts apart; not a security property.
std::string fnv1a_hex(std::string_view text);

}  // namespace bzjira::sync
