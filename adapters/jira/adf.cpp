#include "adapters/jira/adf.h"

#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace bzjira::adapters::jira {
namespace {

using nlohmann::json;

// Jira validates link marks' href; anything that is not plainly a web or mail link stays text.
bool linkable(const std::string& href) {
  const bool scheme = href.rfind("https://", 0) == 0 || href.rfind("http://", 0) == 0 ||
                      href.rfind("mailto:", 0) == 0;
  if (!scheme) {
    return false;
  }
  for (char c : href) {
    if (static_cast<unsigned char>(c) <= 0x20) {
      return false;
    }
  }
  return true;
}

json text_node(std::string_view text, const std::string& href) {
  json node = {{"type", "text"}, {"text", std::string(text)}};
  if (!href.empty()) {
    node["marks"] = json::array({{{"type", "link"}, {"attrs", {{"href", href}}}}});
  }
  return node;
}

// Appends `text` as text nodes split by hardBreaks (ADF text nodes must not be empty).
void append_text(json& content, std::string_view text, const std::string& href) {
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t nl = text.find('\n', start);
    const std::string_view part =
        text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    if (!part.empty()) {
      content.push_back(text_node(part, href));
    }
    if (nl == std::string_view::npos) {
      break;
    }
    content.push_back(json{{"type", "hardBreak"}});
    start = nl + 1;
  }
}

json paragraph_of(const std::vector<sync::Span>& spans) {
  json content = json::array();
  for (const sync::Span& span : spans) {
    if (span.href.empty() || linkable(span.href)) {
      append_text(content, span.text, span.href);
    } else {
      append_text(content, span.text + " <" + span.href + ">", {});
    }
  }
  return json{{"type", "paragraph"}, {"content", std::move(content)}};
}

constexpr int k_max_depth = 64;

std::string flatten(const json& node, int depth);

std::string join_children(const json& node, const char* separator, int depth) {
  std::string out;
  const auto it = node.find("content");
  if (it == node.end() || !it->is_array()) {
    return out;
  }
  for (const json& child : *it) {
    std::string part = flatten(child, depth + 1);
    if (part.empty()) {
      continue;
    }
    if (!out.empty()) {
      out += separator;
    }
    out += part;
  }
  return out;
}

std::string attr_string(const json& node, const char* name) {
  const auto attrs = node.find("attrs");
  if (attrs == node.end() || !attrs->is_object()) {
    return {};
  }
  const auto v = attrs->find(name);
  return (v != attrs->end() && v->is_string()) ? v->get<std::string>() : std::string();
}

std::string link_of(const json& node) {
  const auto marks = node.find("marks");
  if (marks == node.end() || !marks->is_array()) {
    return {};
  }
  for (const json& mark : *marks) {
    if (mark.is_object() && mark.value("type", json()).is_string() && mark["type"] == "link") {
      return attr_string(mark, "href");
    }
  }
  return {};
}

std::string list_items(const json& node, bool ordered, int depth) {
  std::string out;
  const auto it = node.find("content");
  if (it == node.end() || !it->is_array()) {
    return out;
  }
  int n = 0;
  for (const json& item : *it) {
    ++n;
    if (!out.empty()) {
      out += '\n';
    }
    out += ordered ? std::to_string(n) + ". " : std::string("- ");
    out += flatten(item, depth + 1);
  }
  return out;
}

std::string flatten(const json& node, int depth) {
  if (depth > k_max_depth) {
    return {};
  }
  if (node.is_string()) {
    return node.get<std::string>();
  }
  if (!node.is_object()) {
    return {};
  }
  const json type_value = node.value("type", json());
  const std::string type = type_value.is_string() ? type_value.get<std::string>() : "";
  if (type == "text") {
    const json t = node.value("text", json());
    std::string text = t.is_string() ? t.get<std::string>() : "";
    const std::string href = link_of(node);
    if (!href.empty() && href != text) {
      text += " <" + href + ">";
    }
    return text;
  }
  if (type == "hardBreak") {
    return "\n";
  }
  if (type == "mention" || type == "status") {
    return attr_string(node, "text");
  }
  if (type == "emoji") {
    const std::string text = attr_string(node, "text");
    return text.empty() ? attr_string(node, "shortName") : text;
  }
  if (type == "inlineCard" || type == "blockCard" || type == "embedCard") {
    return attr_string(node, "url");
  }
  if (type == "rule") {
    return "---";
  }
  if (type == "paragraph" || type == "heading" || type == "codeBlock") {
    return join_children(node, "", depth);
  }
  if (type == "bulletList" || type == "orderedList") {
    return list_items(node, type == "orderedList", depth);
  }
  if (type == "listItem" || type == "tableRow") {
    return join_children(node, type == "listItem" ? "\n" : " | ", depth);
  }
  if (type == "table") {
    return join_children(node, "\n", depth);
  }
  // doc, blockquote, panel, expand, table cells and anything unknown: blocks.
  return join_children(node, "\n\n", depth);
}

std::size_t count_text(const json& node, int depth) {
  if (depth > k_max_depth || !node.is_object()) {
    return 0;
  }
  std::size_t n = 0;
  const auto text = node.find("text");
  if (text != node.end() && text->is_string() && node.value("type", json()) == "text") {
    n += count_chars(text->get_ref<const std::string&>());
  }
  const auto content = node.find("content");
  if (content != node.end() && content->is_array()) {
    for (const json& child : *content) {
      n += count_text(child, depth + 1);
    }
  }
  return n;
}

}  // namespace

nlohmann::json to_adf(const sync::RichText& doc) {
  json content = json::array();
  for (const sync::Block& block : doc) {
    json para = paragraph_of(block.spans);
    if (block.kind == sync::BlockKind::quote) {
      if (para["content"].empty()) {
        continue;  // an empty blockquote is not valid ADF
      }
      content.push_back(json{{"type", "blockquote"}, {"content", json::array({std::move(para)})}});
    } else {
      content.push_back(std::move(para));
    }
  }
  return json{{"type", "doc"}, {"version", 1}, {"content", std::move(content)}};
}

nlohmann::json to_adf_limited(const sync::RichText& doc, std::size_t limit) {
  const sync::RichText clean = clean_rich_text(doc);
  const sync::RichText fitted = fit_rich_text(
      clean, limit, [](const sync::RichText& d) { return adf_text_chars(to_adf(d)); });
  return to_adf(fitted);
}

std::size_t adf_text_chars(const nlohmann::json& adf) { return count_text(adf, 0); }

std::string adf_to_plain_text(const nlohmann::json& adf) { return flatten(adf, 0); }

}  // namespace bzjira::adapters::jira
