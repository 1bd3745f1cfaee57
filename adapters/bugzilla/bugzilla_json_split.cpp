#include "adapters/bugzilla/bugzilla_json_split.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "adapters/bugzilla/bugzilla_json.h"
#include "adapters/bugzilla/bugzilla_json_detail.h"

namespace bzjira::adapters::bugzilla::detail {

namespace {

namespace od = simdjson::ondemand;

// The text of the value at `v`: a container from its bracket to the matching one, a scalar's
// token without the white space after it.
simdjson::error_code value_text(od::value& v, std::string_view& out) {
  od::json_type type{};
  if (const auto code = v.type().get(type)) {
    return code;
  }
  if (type == od::json_type::object) {
    od::object object;
    if (const auto code = v.get_object().get(object)) {
      return code;
    }
    return object.raw_json().get(out);
  }
  if (type == od::json_type::array) {
    od::array array;
    if (const auto code = v.get_array().get(array)) {
      return code;
    }
    return array.raw_json().get(out);
  }
  out = v.raw_json_token();
  while (!out.empty() &&
         (out.back() == ' ' || out.back() == '\t' || out.back() == '\n' || out.back() == '\r')) {
    out.remove_suffix(1);
  }
  return simdjson::SUCCESS;
}

class Walker {
 public:
  // `start`: the first bytes to quote in messages (the text's own by default).
  Walker(JsonText& text, std::initializer_list<std::string_view> open, const std::string& what,
         const PartVisitor& visit, std::optional<std::string_view> start = std::nullopt)
      : m_text(text),
        m_start(start.value_or(text.view()).substr(0, 256)),
        m_open(open),
        m_what(what),
        m_visit(visit) {}

  // nullopt when the walk ended well; m_utf8 says the text must be repaired first.
  std::optional<sync::Error> run() {
    if (auto error = too_large(m_text.size(), m_what)) {
      return error;
    }
    od::parser parser;
    if (const auto code = parser.allocate(m_text.size(), k_max_json_depth)) {
      return failed(code);
    }
    od::document doc;
    auto code =
        parser.iterate(m_text.data(), m_text.size(), m_text.size() + JsonText::k_padding).get(doc);
    if (code == simdjson::UTF8_ERROR) {
      m_utf8 = true;
      return std::nullopt;
    }
    if (code != simdjson::SUCCESS) {
      return failed(code);
    }
    od::json_type type{};
    if (const auto type_code = doc.type().get(type)) {
      return failed(type_code);
    }
    if (type != od::json_type::object) {
      // The visitor's DOM reader checks it and says what it is instead.
      Part part;
      part.whole_document = true;
      part.json = m_text.view();
      return m_visit(part);
    }
    od::object root;
    if (const auto object_code = doc.get_object().get(root)) {
      return failed(object_code);
    }
    for (auto field : root) {
      if (auto error = member(field)) {
        return error;
      }
    }
    // Nothing may follow the object (On Demand stops reading at its end).
    if (!doc.current_location().error()) {
      return failed(simdjson::TAPE_ERROR);
    }
    return std::nullopt;
  }

  bool needs_utf8_repair() const { return m_utf8; }

 private:
  // Once pages went back, the text can no longer be scanned (simdjson's code then tells a cut).
  sync::Error failed(simdjson::error_code code) {
    return json_error(code, m_what, m_start, m_text.size(),
                      m_text.released_any() ? std::nullopt : std::optional(m_text.view()));
  }

  std::optional<sync::Error> member(simdjson::simdjson_result<od::field> field) {
    std::string_view name;
    od::value value;
    if (const auto code = field.unescaped_key().get(name)) {
      return failed(code);
    }
    if (const auto code = field.value().get(value)) {
      return failed(code);
    }
    if (std::find(m_seen.begin(), m_seen.end(), name) != m_seen.end()) {
      return sync::make_error(sync::ErrorKind::internal,
                              m_what + " has the member '" + excerpt(name, 40) + "' twice");
    }
    m_seen.emplace_back(name);
    Part part;
    part.member = m_seen.back();
    od::json_type type{};
    const bool open = std::find(m_open.begin(), m_open.end(), name) != m_open.end();
    if (open && value.type().get(type) == simdjson::SUCCESS && type == od::json_type::object) {
      od::object object;
      if (const auto code = value.get_object().get(object)) {
        return failed(code);
      }
      part.opened = true;
      part.opening = true;
      if (auto error = m_visit(part)) {
        return error;
      }
      part.opening = false;
      for (auto inner : object) {
        od::value inner_value;
        if (auto code = inner.unescaped_key().get(part.key)) {
          return failed(code);
        }
        if (auto code = inner.value().get(inner_value)) {
          return failed(code);
        }
        if (auto error = hand_over(inner_value, part)) {
          return error;
        }
      }
      return std::nullopt;
    }
    return hand_over(value, part);
  }

  std::optional<sync::Error> hand_over(od::value& value, Part& part) {
    if (const auto code = value_text(value, part.json)) {
      return failed(code);
    }
    if (auto error = m_visit(part)) {
      return error;
    }
    // The walk goes on after this part: the pages before it are done with.
    m_text.release_before(part.json.data() + part.json.size());
    return std::nullopt;
  }

  JsonText& m_text;
  std::string m_start;  // the first bytes, for messages
  std::initializer_list<std::string_view> m_open;
  const std::string& m_what;
  const PartVisitor& m_visit;
  std::vector<std::string> m_seen;  // top-level member names so far
  bool m_utf8 = false;
};

}  // namespace

std::optional<sync::Error> split(JsonText& text, std::initializer_list<std::string_view> open,
                                 const std::string& what, const PartVisitor& visit) {
  try {
    Walker walker(text, open, what, visit);
    auto error = walker.run();
    if (error || !walker.needs_utf8_repair()) {
      return error;
    }
    // Bugzilla databases have held other encodings: one such comment must not make a whole
    // answer, and with it every bug of the batch, unreadable (issue 7).
    auto repaired = JsonText::copy_of(replace_invalid_utf8(text.view()));
    if (!repaired) {
      return repaired.error();
    }
    Walker again(*repaired, open, what, visit, text.view());  // messages quote what was sent
    return again.run();
  } catch (const std::exception& e) {  // allocation failures
    return sync::make_error(sync::ErrorKind::internal,
                            what + " could not be read: " + excerpt(e.what()));
  }
}

}  // namespace bzjira::adapters::bugzilla::detail
