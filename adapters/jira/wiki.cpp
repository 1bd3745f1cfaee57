#include "adapters/jira/wiki.h"

#include <cctype>

namespace bzjira::adapters::jira {
namespace {

constexpr std::string_view k_escaped = "*_-+^~?{}[]|!#()";

bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// "&name;" or "&#123;" starting at `i` (which holds '&'): Jira would render it as an entity.
bool starts_entity(std::string_view text, std::size_t i) {
  std::size_t j = i + 1;
  if (j < text.size() && text[j] == '#') {
    ++j;
  }
  const std::size_t first = j;
  while (j < text.size() && is_alnum(text[j])) {
    ++j;
  }
  return j > first && j < text.size() && text[j] == ';';
}

// True when text[i] is the '.' of "h1." .. "h6." or "bq." at the start of a line (spaces allowed
// before it): Jira's heading and quote markers.
bool is_line_marker_dot(std::string_view text, std::size_t i) {
  if (i < 2) {
    return false;
  }
  const char a = text[i - 2];
  const char b = text[i - 1];
  const bool marker = (a == 'h' && b >= '1' && b <= '6') || (a == 'b' && b == 'q');
  if (!marker) {
    return false;
  }
  std::size_t k = i - 2;
  while (k > 0 && (text[k - 1] == ' ' || text[k - 1] == '\t')) {
    --k;
  }
  return k == 0 || text[k - 1] == '\n';
}

bool linkable(const std::string& href) {
  return href.rfind("https://", 0) == 0 || href.rfind("http://", 0) == 0 ||
         href.rfind("mailto:", 0) == 0;
}

std::string link_target(const std::string& href) {
  std::string out;
  for (char c : href) {
    switch (c) {
      case '|':
        out += "%7C";
        break;
      case '[':
        out += "%5B";
        break;
      case ']':
        out += "%5D";
        break;
      case '{':
        out += "%7B";
        break;
      case '}':
        out += "%7D";
        break;
      case ' ':
        out += "%20";
        break;
      default:
        if (static_cast<unsigned char>(c) >= 0x20) {
          out += c;
        }
    }
  }
  return out;
}

std::string render_spans(const sync::Block& block) {
  std::string out;
  for (const sync::Span& span : block.spans) {
    if (span.href.empty()) {
      out += escape_wiki(span.text);
    } else if (linkable(span.href)) {
      const std::string& label = span.text.empty() ? span.href : span.text;
      out += "[" + escape_wiki(label) + "|" + link_target(span.href) + "]";
    } else {
      out += escape_wiki(span.text + " <" + span.href + ">");
    }
  }
  return out;
}

}  // namespace

std::string escape_wiki(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const char next = i + 1 < text.size() ? text[i + 1] : '\0';
    if (c == '\\') {
      out += "&#92;";
      continue;
    }
    if (c == '&' && starts_entity(text, i)) {
      out += "&amp;";
      continue;
    }
    const bool escape = k_escaped.find(c) != std::string_view::npos ||
                        (c == ':' && (next == 'P' || next == 'p' || next == 'D' || next == 'd')) ||
                        (c == '.' && is_line_marker_dot(text, i));
    if (escape) {
      out += '\\';
    }
    out += c;
  }
  return out;
}

std::string to_wiki(const sync::RichText& doc) {
  std::string out;
  for (const sync::Block& block : doc) {
    std::string body = render_spans(block);
    if (block.kind == sync::BlockKind::quote) {
      body = "{quote}\n" + body + "\n{quote}";
    }
    if (!out.empty()) {
      out += "\n\n";
    }
    out += body;
  }
  return out;
}

std::string to_wiki_limited(const sync::RichText& doc, std::size_t limit) {
  const sync::RichText clean = clean_rich_text(doc);
  const sync::RichText fitted =
      fit_rich_text(clean, limit, [](const sync::RichText& d) { return count_chars(to_wiki(d)); });
  return to_wiki(fitted);
}

}  // namespace bzjira::adapters::jira
