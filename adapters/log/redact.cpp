#include "adapters/log/redact.h"
#include "sync/encoding.h"

#include <algorithm>
#include <cctype>
#include <string_view>

namespace bzjira::adapters::log {
namespace {

constexpr std::size_t k_min_secret_length = 4;

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

bool iequal_at(const std::string& text, std::size_t pos, std::string_view name) {
  if (pos + name.size() > text.size()) {
    return false;
  }
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (lower(text[pos + i]) != name[i]) {
      return false;
    }
  }
  return true;
}

void replace_all(std::string& text, const std::string& needle) {
  std::size_t pos = 0;
  while ((pos = text.find(needle, pos)) != std::string::npos) {
    text.replace(pos, needle.size(), k_redacted);
    pos += std::char_traits<char>::length(k_redacted);
  }
}

// Replaces text[begin, end) unless it is empty or already redacted; returns where to go on.
std::size_t replace_value(std::string& text, std::size_t begin, std::size_t end) {
  const std::string_view marker = k_redacted;
  if (end <= begin || std::string_view(text).substr(begin, end - begin) == marker) {
    return begin + marker.size();
  }
  text.replace(begin, end - begin, marker);
  return begin + marker.size();
}

// `api_key=` also matches `Bugzilla_api_key=`: one rule covers both spellings.
void redact_query_values(std::string& text) {
  constexpr std::string_view k_name = "api_key=";
  for (std::size_t pos = 0; pos < text.size(); ++pos) {
    if (!iequal_at(text, pos, k_name)) {
      continue;
    }
    const std::size_t begin = pos + k_name.size();
    std::size_t end = text.find_first_of("&#;\"'<> \t\r\n", begin);
    if (end == std::string::npos) {
      end = text.size();
    }
    pos = replace_value(text, begin, end) - 1;
  }
}

struct NamedValue {
  std::string_view name;  // lower case
  bool allow_equals;      // `name=value` besides `name: value`
};

// Header-like `Name: value` (to the end of the line) or JSON-like `"Name": "value"` (to the quote).
void redact_named_values(std::string& text, const NamedValue& rule) {
  for (std::size_t pos = 0; pos < text.size(); ++pos) {
    if (!iequal_at(text, pos, rule.name)) {
      continue;
    }
    std::size_t i = pos + rule.name.size();
    if (i < text.size() && text[i] == '"') {
      ++i;
    }
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) {
      ++i;
    }
    if (i >= text.size() || !(text[i] == ':' || (rule.allow_equals && text[i] == '='))) {
      continue;
    }
    ++i;
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) {
      ++i;
    }
    std::size_t end = std::string::npos;
    if (i < text.size() && text[i] == '"') {
      ++i;
      end = i;
      while (end < text.size() && text[end] != '"' && text[end] != '\r' && text[end] != '\n') {
        end += text[end] == '\\' ? 2 : 1;
      }
      end = std::min(end, text.size());
    } else {
      end = text.find_first_of("\r\n", i);
      if (end == std::string::npos) {
        end = text.size();
      }
    }
    pos = replace_value(text, i, end) - 1;
  }
}

}  // namespace

std::string redact(std::string text, const std::vector<std::string>& secrets) {
  std::vector<std::string> needles;
  for (const auto& secret : secrets) {
    if (secret.size() >= k_min_secret_length) {
      needles.push_back(secret);
      // A secret can also appear percent-encoded in a URL (a key containing '=' or '+').
      std::string encoded = sync::url_encode(secret);
      if (encoded != secret) {
        needles.push_back(std::move(encoded));
      }
    }
  }
  // Longest first, so a secret that contains another one is not left half-visible.
  std::sort(needles.begin(), needles.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  for (const auto& needle : needles) {
    replace_all(text, needle);
  }
  redact_query_values(text);
  redact_named_values(text, {"authorization", true});
  redact_named_values(text, {"x-bugzilla-api-key", true});
  redact_named_values(text, {"api_key\"", false});
  return text;
}

}  // namespace bzjira::adapters::log
