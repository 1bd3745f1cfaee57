// The simulator's own reading of Atlassian Document Format: structural validation as Jira Cloud
// does it on v3 rich-text fields, and flattening to text for /__sim/issues dumps and v2 reads.
// Independent of the client's adapters/jira/adf.cpp on purpose.
#include <set>

#include "tests/sim/jira_service.h"

namespace bzjira::sim::jirasim {
namespace {

const std::set<std::string> k_blocks = {"paragraph",    "heading",     "blockquote", "bulletList",
                                        "orderedList",  "codeBlock",   "rule",       "panel",
                                        "table",        "mediaSingle", "mediaGroup", "expand",
                                        "decisionList", "taskList",    "blockCard",  "embedCard"};
const std::set<std::string> k_inlines = {"text",       "hardBreak", "mention", "emoji",
                                         "inlineCard", "date",      "status",  "placeholder"};
const std::set<std::string> k_inner = {"listItem", "tableRow",     "tableHeader", "tableCell",
                                       "media",    "decisionItem", "taskItem",    "nestedExpand"};
const std::set<std::string> k_marks = {
    "link",   "strong",          "em",        "code",        "strike",    "underline", "textColor",
    "subsup", "backgroundColor", "alignment", "indentation", "annotation"};
// Nodes whose children are inline nodes.
const std::set<std::string> k_inline_parents = {"paragraph", "heading", "codeBlock", "decisionItem",
                                                "taskItem"};

constexpr int k_max_depth = 100;

std::string check_node(const Json& node, const std::string& parent, int depth) {
  if (depth > k_max_depth) {
    return "document nested too deeply";
  }
  if (!node.is_object()) {
    return "a node is not an object";
  }
  const auto type_it = node.find("type");
  if (type_it == node.end() || !type_it->is_string()) {
    return "a node has no type";
  }
  const std::string type = type_it->get<std::string>();
  const bool inline_node = k_inlines.count(type) != 0;
  if (!inline_node && k_blocks.count(type) == 0 && k_inner.count(type) == 0) {
    return "unknown node type '" + type + "'";
  }
  if (inline_node != (k_inline_parents.count(parent) != 0)) {
    return "node '" + type + "' is not allowed inside '" + parent + "'";
  }
  if (type == "text") {
    const auto text = node.find("text");
    if (text == node.end() || !text->is_string() || text->get_ref<const std::string&>().empty()) {
      return "a text node needs a non-empty string 'text'";
    }
    const auto marks = node.find("marks");
    if (marks != node.end()) {
      if (!marks->is_array()) {
        return "'marks' must be an array";
      }
      for (const Json& mark : *marks) {
        if (!mark.is_object() || !mark.contains("type") || !mark["type"].is_string() ||
            k_marks.count(mark["type"].get<std::string>()) == 0) {
          return "unknown mark";
        }
        if (mark["type"] == "link") {
          const Json attrs = mark.value("attrs", Json());
          if (!attrs.is_object() || !attrs.contains("href") || !attrs["href"].is_string()) {
            return "a link mark needs attrs.href";
          }
        }
      }
    }
  }
  const auto content = node.find("content");
  if (content != node.end()) {
    if (!content->is_array()) {
      return "'content' must be an array";
    }
    for (const Json& child : *content) {
      std::string problem = check_node(child, type, depth + 1);
      if (!problem.empty()) {
        return problem;
      }
    }
  }
  return {};
}

std::string flatten(const Json& node, int depth) {
  if (depth > k_max_depth || !node.is_object()) {
    return {};
  }
  const std::string type =
      node.value("type", Json()).is_string() ? node["type"].get<std::string>() : std::string();
  if (type == "text") {
    return node.value("text", Json()).is_string() ? node["text"].get<std::string>() : "";
  }
  if (type == "hardBreak") {
    return "\n";
  }
  const auto content = node.find("content");
  if (content == node.end() || !content->is_array()) {
    return {};
  }
  const bool inline_children = k_inline_parents.count(type) != 0;
  std::string out;
  bool first = true;
  for (const Json& child : *content) {
    std::string part = flatten(child, depth + 1);
    if (!inline_children && !first) {
      out += "\n\n";
    }
    out += part;
    first = false;
  }
  return out;
}

std::size_t count(const Json& node, int depth) {
  if (depth > k_max_depth || !node.is_object()) {
    return 0;
  }
  std::size_t n = 0;
  if (node.value("type", Json()) == "text" && node.value("text", Json()).is_string()) {
    n += utf8_chars(node["text"].get<std::string>());
  }
  const auto content = node.find("content");
  if (content != node.end() && content->is_array()) {
    for (const Json& child : *content) {
      n += count(child, depth + 1);
    }
  }
  return n;
}

}  // namespace

std::string adf_problem(const Json& doc) {
  if (!doc.is_object() || doc.value("type", Json()) != "doc") {
    return "the value is not an ADF document (type 'doc')";
  }
  const Json version = doc.value("version", Json());
  if (!version.is_number_integer() || version.get<int>() != 1) {
    return "ADF version must be 1";
  }
  const auto content = doc.find("content");
  if (content == doc.end() || !content->is_array()) {
    return "an ADF document needs a 'content' array";
  }
  for (const Json& child : *content) {
    std::string problem = check_node(child, "doc", 1);
    if (!problem.empty()) {
      return problem;
    }
  }
  return {};
}

std::string adf_text(const Json& doc) {
  if (doc.is_string()) {
    return doc.get<std::string>();
  }
  return flatten(doc, 0);
}

std::size_t adf_chars(const Json& doc) { return count(doc, 0); }

Json text_to_adf(const std::string& text) {
  // What Jira shows a v3 reader of text written through v2: paragraphs split on blank lines,
  // hardBreaks for single line feeds.
  Json content = Json::array();
  Json para = Json::array();
  std::string line;
  const auto flush_line = [&] {
    if (!line.empty()) {
      para.push_back({{"type", "text"}, {"text", line}});
      line.clear();
    }
  };
  for (std::size_t i = 0; i <= text.size(); ++i) {
    const bool end = i == text.size();
    if (!end && text[i] != '\n') {
      line += text[i];
      continue;
    }
    flush_line();
    if (end || (i + 1 < text.size() && text[i + 1] == '\n')) {
      if (!para.empty()) {
        content.push_back({{"type", "paragraph"}, {"content", para}});
        para = Json::array();
      }
      if (!end) {
        ++i;
      }
    } else {
      para.push_back({{"type", "hardBreak"}});
    }
  }
  return Json{{"type", "doc"}, {"version", 1}, {"content", content}};
}

}  // namespace bzjira::sim::jirasim
