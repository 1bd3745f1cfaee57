// Text for Jira as structure, never as markup: the Jira client renders it as ADF text nodes (Cloud
// v3) or escaped wiki text (Data Center v2), so Bugzilla text can never turn into Jira markup.
#pragma once

#include <string>
#include <vector>

namespace bzjira::sync {

struct Span {
  std::string text;
  std::string href;  // non-empty: the span is a link to this URL
};

enum class BlockKind { paragraph, quote };

struct Block {
  BlockKind kind = BlockKind::paragraph;
  std::vector<Span> spans;  // a quote holds the quoted text as spans; newlines are kept as text
};

using RichText = std::vector<Block>;

inline Block paragraph(std::string text) {
  return Block{BlockKind::paragraph, {Span{std::move(text), {}}}};
}

// All the text of a document, blocks separated by blank lines, links as "text <url>". For logs,
// dry-run output and plain-text comparisons.
std::string to_plain_text(const RichText& doc);

}  // namespace bzjira::sync
