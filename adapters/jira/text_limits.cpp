#include "adapters/jira/text_limits.h"

#include <cstdint>

namespace bzjira::adapters::jira {
namespace {

constexpr std::string_view k_replacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the well-formed UTF-8 sequence starting at `i` (RFC 3629 table), or 0 when the bytes
// there are not one; `cp` receives the code point.
std::size_t decode_at(std::string_view s, std::size_t i, std::uint32_t& cp) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  }
  std::size_t len = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
    cp = b0 & 0x1Fu;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    cp = b0 & 0x0Fu;
    if (b0 == 0xE0) {
      lo = 0xA0;  // no overlong forms
    } else if (b0 == 0xED) {
      hi = 0x9F;  // no UTF-16 surrogates
    }
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    cp = b0 & 0x07u;
    if (b0 == 0xF0) {
      lo = 0x90;
    } else if (b0 == 0xF4) {
      hi = 0x8F;  // nothing above U+10FFFF
    }
  } else {
    return 0;
  }
  if (i + len > s.size()) {
    return 0;
  }
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    const unsigned char min = (k == 1) ? lo : 0x80;
    const unsigned char max = (k == 1) ? hi : 0xBF;
    if (b < min || b > max) {
      return 0;
    }
    cp = (cp << 6) | (b & 0x3Fu);
  }
  return len;
}

bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// UTF-16 code units of the character a byte of valid UTF-8 starts: 0 for a continuation byte, 2
// for a 4-byte sequence (a surrogate pair in Java), 1 otherwise.
std::size_t utf16_units(char c) {
  if (is_continuation(c)) {
    return 0;
  }
  return static_cast<unsigned char>(c) >= 0xF0 ? 2 : 1;
}

}  // namespace

std::string sanitize_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    std::uint32_t cp = 0;
    const std::size_t len = decode_at(text, i, cp);
    if (len == 0) {
      out += k_replacement;
      ++i;
    } else {
      out.append(text.substr(i, len));
      i += len;
    }
  }
  return out;
}

std::string clean_text(std::string_view text) {
  const std::string valid = sanitize_utf8(text);
  std::string out;
  out.reserve(valid.size());
  for (std::size_t i = 0; i < valid.size(); ++i) {
    const char c = valid[i];
    if (c == '\r') {
      out += '\n';
      if (i + 1 < valid.size() && valid[i + 1] == '\n') {
        ++i;
      }
      continue;
    }
    if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') {
      continue;
    }
    // U+FFFE and U+FFFF are EF BF BE / EF BF BF.
    if (c == '\xEF' && i + 2 < valid.size() && valid[i + 1] == '\xBF' &&
        (valid[i + 2] == '\xBE' || valid[i + 2] == '\xBF')) {
      i += 2;
      continue;
    }
    out += c;
  }
  return out;
}

std::string clean_summary(std::string_view text, std::size_t max_chars) {
  std::string one_line = clean_text(text);
  for (char& c : one_line) {
    if (c == '\n' || c == '\t') {
      c = ' ';
    }
  }
  return std::string(prefix_chars(one_line, max_chars));
}

std::size_t count_chars(std::string_view utf8) {
  std::size_t n = 0;
  for (char c : utf8) {
    n += utf16_units(c);
  }
  return n;
}

std::string_view prefix_chars(std::string_view utf8, std::size_t max_chars) {
  std::size_t seen = 0;
  for (std::size_t i = 0; i < utf8.size(); ++i) {
    const std::size_t units = utf16_units(utf8[i]);
    if (units > 0) {
      if (seen + units > max_chars) {
        return utf8.substr(0, i);
      }
      seen += units;
    }
  }
  return utf8;
}

std::string cut_note(std::size_t dropped_chars) {
  return "[text cut: " + std::to_string(dropped_chars) + " characters not shown]";
}

sync::RichText clean_rich_text(const sync::RichText& doc) {
  sync::RichText out;
  out.reserve(doc.size());
  for (const sync::Block& block : doc) {
    sync::Block b{block.kind, {}};
    for (const sync::Span& span : block.spans) {
      b.spans.push_back(sync::Span{clean_text(span.text), clean_text(span.href)});
    }
    out.push_back(std::move(b));
  }
  return out;
}

std::size_t count_rich_text_chars(const sync::RichText& doc) {
  std::size_t n = 0;
  for (const sync::Block& block : doc) {
    for (const sync::Span& span : block.spans) {
      n += count_chars(span.text);
    }
  }
  return n;
}

sync::RichText cut_rich_text(const sync::RichText& doc, std::size_t keep_chars) {
  sync::RichText out;
  std::size_t left = keep_chars;
  for (const sync::Block& block : doc) {
    if (left == 0) {
      break;
    }
    sync::Block b{block.kind, {}};
    for (const sync::Span& span : block.spans) {
      if (left == 0) {
        break;
      }
      const std::size_t n = count_chars(span.text);
      if (n <= left) {
        b.spans.push_back(span);
        left -= n;
      } else {
        b.spans.push_back(sync::Span{std::string(prefix_chars(span.text, left)), span.href});
        left = 0;
      }
    }
    if (!b.spans.empty()) {
      out.push_back(std::move(b));
    }
  }
  return out;
}

sync::RichText fit_rich_text(const sync::RichText& doc, std::size_t limit,
                             const RichTextMeasure& measure) {
  if (measure(doc) <= limit) {
    return doc;
  }
  const std::size_t total = count_rich_text_chars(doc);
  const auto with_note = [&](std::size_t keep) {
    sync::RichText cut = cut_rich_text(doc, keep);
    const std::size_t kept = count_rich_text_chars(cut);
    cut.push_back(sync::paragraph(cut_note(total - kept)));
    return cut;
  };
  // The largest prefix that fits with its note. Markup grows with the text in ways only the
  // renderer knows (wiki escapes double some characters), so search rather than compute.
  std::size_t lo = 0;
  std::size_t hi = total < limit ? total : limit;
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo + 1) / 2;
    if (measure(with_note(mid)) <= limit) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return with_note(lo);
}

}  // namespace bzjira::adapters::jira
