#include "adapters/report/html_text.h"

#include <cmath>
#include <cstdio>

namespace bzjira::adapters::report {

namespace {

constexpr char32_t k_replacement = 0xFFFD;

// Decodes one code point at text[i] and advances i; invalid sequences give U+FFFD and advance by
// one byte, so a broken byte never swallows the characters after it.
char32_t next_code_point(std::string_view text, std::size_t& i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  std::size_t length = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if (lead < 0x80) {
    ++i;
    return lead;
  }
  if ((lead & 0xE0) == 0xC0) {
    length = 2, cp = lead & 0x1F, min = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, cp = lead & 0x0F, min = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, cp = lead & 0x07, min = 0x10000;
  } else {
    ++i;
    return k_replacement;
  }
  if (i + length > text.size()) {
    ++i;
    return k_replacement;
  }
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) {
      ++i;
      return k_replacement;
    }
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++i;
    return k_replacement;
  }
  i += length;
  return cp;
}

bool shown_as_replacement(char32_t cp) {
  if (cp < 0x20) {
    return cp != '\t' && cp != '\n';
  }
  if (cp >= 0x7F && cp <= 0x9F) {
    return true;
  }
  if (cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
      (cp >= 0x2066 && cp <= 0x2069)) {
    return true;
  }
  return (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Calls emit(code point) for each cleaned code point of `text`.
template <typename Emit>
void for_each_clean(std::string_view text, Emit emit) {
  std::size_t i = 0;
  while (i < text.size()) {
    const char32_t cp = next_code_point(text, i);
    emit(shown_as_replacement(cp) ? k_replacement : cp);
  }
}

bool is_white(char32_t cp) { return cp == ' ' || cp == '\t' || cp == '\n'; }

}  // namespace

void append_escaped(std::string& out, std::string_view text) {
  out.reserve(out.size() + text.size());
  for_each_clean(text, [&](char32_t cp) {
    switch (cp) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        append_utf8(out, cp);
    }
  });
}

std::string escaped(std::string_view text) {
  std::string out;
  append_escaped(out, text);
  return out;
}

std::string one_line(std::string_view text, std::size_t max_chars) {
  std::string out;
  std::size_t count = 0;
  bool pending_space = false;
  bool cut = false;
  for_each_clean(text, [&](char32_t cp) {
    if (cut) {
      return;
    }
    if (is_white(cp)) {
      pending_space = !out.empty();
      return;
    }
    if (count + (pending_space ? 1 : 0) >= max_chars) {
      cut = true;
      return;
    }
    if (pending_space) {
      out += ' ';
      ++count;
      pending_space = false;
    }
    append_utf8(out, cp);
    ++count;
  });
  if (cut) {
    out += "\u2026";
  }
  return out;
}

std::string link_base(std::string_view url) {
  std::string_view rest;
  if (url.rfind("https://", 0) == 0) {
    rest = url.substr(8);
  } else if (url.rfind("http://", 0) == 0) {
    rest = url.substr(7);
  } else {
    return "";
  }
  if (rest.empty() || rest.front() == '/') {
    return "";
  }
  for (char c : url) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       std::string_view("-._~:/[]@%+").find(c) != std::string_view::npos;
    if (!plain) {
      return "";
    }
  }
  while (!url.empty() && url.back() == '/') {
    url.remove_suffix(1);
  }
  return std::string(url);
}

bool is_issue_key(std::string_view key) {
  const auto dash = key.rfind('-');
  if (dash == std::string_view::npos || dash == 0 || dash + 1 == key.size() || key.size() > 64) {
    return false;
  }
  if (key.front() < 'A' || key.front() > 'Z') {
    return false;
  }
  for (std::size_t i = 1; i < dash; ++i) {
    const char c = key[i];
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
      return false;
    }
  }
  for (std::size_t i = dash + 1; i < key.size(); ++i) {
    if (key[i] < '0' || key[i] > '9') {
      return false;
    }
  }
  return true;
}

std::string format_utc_minute(sync::Instant t) {
  const std::string full = sync::format_rfc3339(t);  // 2026-08-03T09:12:44Z
  return full.substr(0, 10) + " " + full.substr(11, 5) + " UTC";
}

std::string format_day(sync::Instant t) { return sync::format_date(sync::utc_date(t)); }

void append_number(std::string& out, double value) {
  const double tenths = std::round(value * 10.0);
  char buf[32];
  if (std::fmod(tenths, 10.0) == 0.0) {
    std::snprintf(buf, sizeof buf, "%.0f", tenths / 10.0);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f", tenths / 10.0);
  }
  out += (buf[0] == '-' && buf[1] == '0' && buf[2] == '\0') ? "0" : buf;
}

}  // namespace bzjira::adapters::report
