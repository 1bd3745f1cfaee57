#include "sync/whiteboard.h"

#include <cctype>
#include <string>
#include <vector>

namespace bzjira::sync {

namespace {

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

// Case-insensitive search for an ASCII lower-case `needle`; npos when absent.
std::size_t find_ci(std::string_view haystack, std::string_view needle, std::size_t from) {
  if (needle.size() > haystack.size()) {
    return std::string_view::npos;
  }
  for (std::size_t i = from; i + needle.size() <= haystack.size(); ++i) {
    std::size_t k = 0;
    while (k < needle.size() && lower(haystack[i + k]) == needle[k]) {
      ++k;
    }
    if (k == needle.size()) {
      return i;
    }
  }
  return std::string_view::npos;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The shape \d{4}-\d{2}-\d{2} at `pos` (the date shape of docs/rules.md#next-update-marker),
// valid or not.
bool looks_like_date(std::string_view text, std::size_t pos) {
  if (pos + 10 > text.size()) {
    return false;
  }
  for (std::size_t i = 0; i < 10; ++i) {
    const char c = text[pos + i];
    if (i == 4 || i == 7 ? c != '-' : !is_digit(c)) {
      return false;
    }
  }
  return true;
}

std::vector<std::string_view> split_words(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) {
      ++i;
    }
    const std::size_t start = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) {
      ++i;
    }
    if (i > start) {
      words.push_back(text.substr(start, i - start));
    }
  }
  return words;
}

bool equals_ci(std::string_view a, std::string_view lower_b) {
  if (a.size() != lower_b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower_b[i]) {
      return false;
    }
  }
  return true;
}

// "[close as RESOLUTION on YYYY-MM-DD]" with generous spacing is far shorter than this (Bugzilla's
// resolution names are single words); longer bracket text is not a close marker.
constexpr std::size_t k_max_close_marker_chars = 256;

// "[close on D]" or "[close as RESOLUTION on D]" (any spacing, any case); nullopt otherwise.
std::optional<Date> parse_close_marker(std::string_view inside_brackets) {
  const auto words = split_words(inside_brackets);
  if (words.size() < 3 || !equals_ci(words.front(), "close") ||
      !equals_ci(words[words.size() - 2], "on")) {
    return std::nullopt;
  }
  if (words.size() != 3 && (words.size() < 5 || !equals_ci(words[1], "as"))) {
    return std::nullopt;
  }
  return parse_date(words.back());
}

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

// Where "update" ends when "next" at `at` is followed by whitespace (any run) and "update" (any
// case); npos otherwise.
std::size_t after_next_update(std::string_view text, std::size_t at) {
  constexpr std::string_view k_update = "update";
  std::size_t pos = at + 4;  // "next"
  const std::size_t gap = pos;
  while (pos < text.size() && is_space(text[pos])) {
    ++pos;
  }
  if (pos == gap || text.size() - pos < k_update.size()) {
    return std::string_view::npos;
  }
  for (std::size_t i = 0; i < k_update.size(); ++i) {
    if (lower(text[pos + i]) != k_update[i]) {
      return std::string_view::npos;
    }
  }
  return pos + k_update.size();
}

}  // namespace

WhiteboardInfo parse_whiteboard(std::string_view whiteboard) {
  WhiteboardInfo info;

  // Like /next\s+update[:\s]*(\d{4}-\d{2}-\d{2})/i: the first occurrence followed by a date wins.
  bool seen_marker = false;
  for (std::size_t at = find_ci(whiteboard, "next", 0); at != std::string_view::npos;
       at = find_ci(whiteboard, "next", at + 1)) {
    std::size_t pos = after_next_update(whiteboard, at);
    if (pos == std::string_view::npos) {
      continue;
    }
    seen_marker = true;
    while (pos < whiteboard.size() && (whiteboard[pos] == ':' || is_space(whiteboard[pos]))) {
      ++pos;
    }
    if (looks_like_date(whiteboard, pos)) {
      info.next_update = parse_date(whiteboard.substr(pos, 10));
      if (info.next_update) {
        break;
      }
    }
  }
  info.next_update_malformed = seen_marker && !info.next_update;

  info.revocation_delay = find_ci(whiteboard, "revocation-delay", 0) != std::string_view::npos;

  // Linear in the whiteboard's length: every '[' before the same ']' shares that ']' (no new
  // search), and bracket text too long to be a marker is not split into words. Searching and
  // splitting again for every '[' took 9 s on 100 KB of '[' and about an hour on 1 MB.
  std::size_t close = 0;
  for (std::size_t open = whiteboard.find('['); open != std::string_view::npos;
       open = whiteboard.find('[', open + 1)) {
    if (close <= open) {
      close = whiteboard.find(']', open + 1);
      if (close == std::string_view::npos) {
        break;
      }
    }
    if (close - open - 1 > k_max_close_marker_chars) {
      continue;
    }
    if (auto date = parse_close_marker(whiteboard.substr(open + 1, close - open - 1))) {
      info.close_on = date;
      break;
    }
  }
  return info;
}

}  // namespace bzjira::sync
