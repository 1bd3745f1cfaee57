#include "sync/rich_text.h"

namespace bzjira::sync {

namespace {

std::string span_text(const Span& span) {
  if (span.href.empty()) {
    return span.text;
  }
  // A bare URL shown as its own text would print twice.
  if (span.text.empty() || span.text == span.href) {
    return span.href;
  }
  return span.text + " <" + span.href + ">";
}

}  // namespace

std::string to_plain_text(const RichText& doc) {
  std::string out;
  for (const Block& block : doc) {
    std::string text;
    for (const Span& span : block.spans) {
      text += span_text(span);
    }
    if (!out.empty()) {
      out += "\n\n";
    }
    if (block.kind == BlockKind::quote) {
      // Mark every quoted line, as e-mail and Markdown do, so the quote stays visible in logs.
      out += "> ";
      for (char c : text) {
        out += c;
        if (c == '\n') {
          out += "> ";
        }
      }
    } else {
      out += text;
    }
  }
  return out;
}

}  // namespace bzjira::sync
