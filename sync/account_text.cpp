#include "sync/account_text.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "sync/bug_history.h"

namespace bzjira::sync {

namespace {

constexpr std::array<std::string_view, 5> k_report_titles = {
    "preliminary incident report", "full incident report", "incident report",
    "report closure summary", "incident closure summary"};
constexpr std::array<std::string_view, 5> k_sections = {"summary", "impact", "timeline",
                                                        "root cause analysis", "action items"};
constexpr std::array<std::string_view, 3> k_update_headings = {"status update", "update",
                                                               "weekly update"};
constexpr std::size_t k_max_signature_chars = 80;
constexpr std::size_t k_max_signature_words = 10;

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) {
    s.remove_prefix(1);
  }
  while (!s.empty() && is_space(s.back())) {
    s.remove_suffix(1);
  }
  return s;
}

// Lower case with runs of spaces made one space.
std::string normalize(std::string_view s) {
  std::string out;
  for (char c : trim(s)) {
    if (is_space(c)) {
      if (!out.empty() && out.back() != ' ') {
        out += ' ';
      }
    } else {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  return out;
}

std::size_t words(std::string_view s) {
  std::size_t n = 0;
  bool in_word = false;
  for (char c : s) {
    n += !in_word && !is_space(c) ? 1 : 0;
    in_word = !is_space(c);
  }
  return n;
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// The author's own lines: trimmed, non-empty, outside fenced code blocks, not quoted.
std::vector<std::string_view> own_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  bool in_fence = false;
  std::size_t at = 0;
  while (at <= text.size()) {
    std::size_t end = text.find('\n', at);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    const std::string_view line = trim(text.substr(at, end - at));
    at = end + 1;
    if (starts_with(line, "```") || starts_with(line, "~~~")) {
      in_fence = !in_fence;
      continue;
    }
    if (in_fence || line.empty() || line.front() == '>') {
      continue;
    }
    lines.push_back(line);
  }
  return lines;
}

// The heading text of a line, normalized, or "" when the line is no heading.
std::string heading_of(std::string_view line) {
  std::string_view h;
  if (!line.empty() && line.front() == '#') {
    std::size_t hashes = 0;
    while (hashes < line.size() && line[hashes] == '#') {
      ++hashes;
    }
    if (hashes > 6 || hashes == line.size() || !is_space(line[hashes])) {
      return "";
    }
    h = line.substr(hashes);
    while (!h.empty() && (h.back() == '#' || is_space(h.back()))) {
      h.remove_suffix(1);
    }
  } else if (line.size() > 4 && (starts_with(line, "**") || starts_with(line, "__"))) {
    const std::string_view mark = line.substr(0, 2);
    std::string_view inner = line.substr(2);
    // "**Timeline**", "**Timeline:**", "**Timeline**:".
    if (!inner.empty() && inner.back() == ':') {
      inner.remove_suffix(1);
    }
    if (inner.size() < 3 || inner.substr(inner.size() - 2) != mark) {
      return "";
    }
    inner.remove_suffix(2);
    if (inner.find(mark) != std::string_view::npos) {
      return "";  // "**a** and **b**": bold words in a sentence
    }
    h = inner;
  } else if (line.size() > 1 && line.back() == ':' && line.size() <= 40) {
    h = line.substr(0, line.size() - 1);
  } else {
    return "";
  }
  std::string out = normalize(h);
  while (!out.empty() && (out.back() == ':' || out.back() == '*' || out.back() == '_')) {
    out.pop_back();
  }
  return normalize(out);
}

template <std::size_t N>
bool one_of(const std::string& value, const std::array<std::string_view, N>& list) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// Where `lower_phrase` occurs in `lower_text` as a whole phrase (not inside a longer word), or
// npos.
std::size_t find_phrase(std::string_view lower_text, std::string_view lower_phrase,
                        std::size_t from = 0) {
  if (lower_phrase.empty()) {
    return std::string_view::npos;
  }
  for (std::size_t at = lower_text.find(lower_phrase, from); at != std::string_view::npos;
       at = lower_text.find(lower_phrase, at + 1)) {
    const std::size_t end = at + lower_phrase.size();
    const bool left = at == 0 || !is_word_char(lower_text[at - 1]);
    const bool right = end == lower_text.size() || !is_word_char(lower_text[end]);
    if (left && right) {
      return at;
    }
  }
  return std::string_view::npos;
}

// A list item, table row or heading: content, not a signature.
bool is_structure(std::string_view line) {
  if (line.empty()) {
    return true;
  }
  const char c = line.front();
  if (c == '-' || c == '*' || c == '+' || c == '|' || c == '#') {
    return !starts_with(line, "--");  // "-- Jane" and "— Jane" are signature dashes
  }
  std::size_t digits = 0;
  while (digits < line.size() && std::isdigit(static_cast<unsigned char>(line[digits])) != 0) {
    ++digits;
  }
  return digits > 0 && digits < line.size() && (line[digits] == '.' || line[digits] == ')');
}

}  // namespace

std::vector<std::string> template_headings(std::string_view text) {
  std::vector<std::string> found;
  for (std::string_view line : own_lines(text)) {
    const std::string h = heading_of(line);
    if ((one_of(h, k_report_titles) || one_of(h, k_sections)) &&
        std::find(found.begin(), found.end(), h) == found.end()) {
      found.push_back(h);
    }
  }
  return found;
}

bool is_incident_report(std::string_view text) {
  int sections = 0;
  for (const std::string& h : template_headings(text)) {
    if (one_of(h, k_report_titles)) {
      return true;
    }
    ++sections;
  }
  return sections >= 2;
}

bool is_status_update(std::string_view text) {
  for (std::string_view line : own_lines(text)) {
    if (one_of(heading_of(line), k_update_headings)) {
      return true;
    }
  }
  return false;
}

bool signed_with(std::string_view text, std::string_view ca_name) {
  const std::string name = normalize(ca_name);
  const auto lines = own_lines(text);
  if (lines.size() < 2 || name.empty()) {
    return false;
  }
  const std::size_t first = lines.size() > 4 ? lines.size() - 3 : 1;
  for (std::size_t i = first; i < lines.size(); ++i) {
    const std::string_view line = lines[i];
    // A sentence is no signature: "Example CA said the same in 2025." or a question.
    const char last = line.back();
    if (line.size() > k_max_signature_chars || is_structure(line) || last == '?' || last == '.' ||
        last == '!' || last == ':' || words(line) > k_max_signature_words) {
      continue;
    }
    const std::string lower = normalize(line);
    if (lower.find("thank") != std::string::npos || lower.find("please") != std::string::npos) {
      continue;
    }
    if (find_phrase(lower, name) != std::string::npos) {
      return true;
    }
  }
  return false;
}

bool addresses(std::string_view text, std::string_view ca_name) {
  const std::string name = normalize(ca_name);
  const auto lines = own_lines(text);
  if (lines.empty() || name.empty()) {
    return false;
  }
  std::string first = normalize(lines.front());
  for (std::string_view greeting : {"hi ", "hello ", "dear ", "hey ", "greetings "}) {
    if (starts_with(first, greeting)) {
      first = first.substr(greeting.size());
      break;
    }
  }
  for (std::string_view lead : {"the "}) {
    if (starts_with(first, lead)) {
      first = first.substr(lead.size());
    }
  }
  if (!starts_with(first, name)) {
    return false;
  }
  std::string_view rest = std::string_view(first).substr(name.size());
  for (std::string_view tail : {" team", " folks", " colleagues"}) {
    if (starts_with(rest, tail)) {
      rest.remove_prefix(tail.size());
      break;
    }
  }
  // "Example CA," and "Example CA, please ..." speak to the CA; "Example CA has ..." about it.
  return starts_with(rest, ",") || rest == ":" || rest == "!";
}

bool says_automated(std::string_view text) {
  const std::string lower = to_lower_ascii(text);
  for (std::string_view marker : {"this is an automated message", "automatically generated",
                                  "automated comment", "(automated)"}) {
    if (lower.find(marker) != std::string::npos) {
      return true;
    }
  }
  return false;
}

}  // namespace bzjira::sync
