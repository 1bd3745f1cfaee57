#include "adapters/config/object_reader.h"

#include <algorithm>
#include <cctype>
#include <exception>

#include <nlohmann/json.hpp>

namespace bzjira::adapters::config {

using nlohmann::json;

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) {
    row[j] = j;
  }
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// The known key a typo most likely meant: same letters in another case, or a few edits away.
std::optional<std::string> closest(const std::string& key, const std::set<std::string>& known) {
  std::optional<std::string> best;
  std::size_t best_distance = key.size() <= 4 ? 1 : 2;
  for (const auto& candidate : known) {
    const std::size_t d = edit_distance(lower(key), lower(candidate));
    if (d <= best_distance) {
      best = candidate;
      best_distance = d;
    }
  }
  return best;
}

bool plain_name(const std::string& key) {
  if (key.empty() || std::isdigit(static_cast<unsigned char>(key[0]))) {
    return false;
  }
  return std::all_of(key.begin(), key.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_' || c == '$' || c == '-';
  });
}

}  // namespace

void Problems::add(const std::string& path, const std::string& message) {
  m_lines.push_back(m_source + ": " + path + ": " + message);
}

std::string child_path(const std::string& parent, const std::string& key) {
  if (plain_name(key)) {
    return parent + "." + key;
  }
  std::string quoted;
  for (const char c : key.substr(0, 60)) {
    if (c == '\'' || c == '\\') {
      quoted += '\\';
    }
    quoted += std::iscntrl(static_cast<unsigned char>(c)) ? '?' : c;
  }
  return parent + "['" + quoted + "']";
}

std::string describe_value(const json& value) {
  if (value.is_number()) {
    return "number " + value.dump();
  }
  if (value.is_string()) {
    return "a string";
  }
  if (value.is_boolean()) {
    return "boolean " + value.dump();
  }
  if (value.is_array()) {
    return "an array";
  }
  if (value.is_object()) {
    return "an object";
  }
  return value.type_name();
}

std::optional<json> parse_document(const std::string& text, Problems& problems) {
  // Every open container keeps its own path, so memory grows with the square of the nesting depth
  // (a 400 KB file of '[' needed more than 2 GB). A mapping nests three or four levels.
  constexpr std::size_t k_max_depth = 64;
  struct TooDeep {
    std::string path;
  };
  // Track where the parser is (object keys seen, array positions) to name duplicates by path.
  struct Frame {
    bool is_array = false;
    std::size_t index = 0;
    std::string key;
    std::set<std::string> keys;
    std::string path;
  };
  std::vector<Frame> stack;
  const auto child = [&stack]() {
    if (stack.empty()) {
      return std::string("$");
    }
    const Frame& top = stack.back();
    return top.is_array ? top.path + "[" + std::to_string(top.index) + "]"
                        : child_path(top.path, top.key);
  };
  const auto done = [&stack]() {
    if (!stack.empty() && stack.back().is_array) {
      ++stack.back().index;
    }
  };
  const json::parser_callback_t callback = [&](int, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
      case json::parse_event_t::array_start:
        if (stack.size() >= k_max_depth) {
          throw TooDeep{child()};
        }
        stack.push_back(Frame{event == json::parse_event_t::array_start, 0, {}, {}, child()});
        break;
      case json::parse_event_t::key:
        stack.back().key = parsed.get<std::string>();
        if (!stack.back().keys.insert(stack.back().key).second) {
          problems.add(child(), "duplicate key '" + stack.back().key.substr(0, 60) +
                                    "' (only the last one would count)");
        }
        break;
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        stack.pop_back();
        done();
        break;
      case json::parse_event_t::value:
        done();
        break;
    }
    return true;
  };
  try {
    return json::parse(text, callback);
  } catch (const TooDeep& e) {
    problems.add(e.path, "nested deeper than " + std::to_string(k_max_depth) + " levels");
  } catch (const json::parse_error& e) {
    // "[json.exception.parse_error.101] parse error at line 3, column 5: ..." -> the part after
    // "]".
    std::string what = e.what();
    const auto bracket = what.find("] ");
    problems.add(
        "$", "not valid JSON: " + (bracket == std::string::npos ? what : what.substr(bracket + 2)));
  } catch (const std::exception& e) {
    problems.add("$", std::string("could not be parsed: ") + e.what());
  }
  return std::nullopt;
}

const json* ObjectReader::find(const char* key, bool required) {
  m_known.insert(key);
  const auto it = m_object.find(key);
  if (it == m_object.end()) {
    if (required) {
      problem(key, "is required");
    }
    return nullptr;
  }
  return &*it;
}

void ObjectReader::wrong_type(const char* key, const char* expected, const json& got) {
  problem(key, std::string("expected ") + expected + ", got " + describe_value(got));
}

std::string ObjectReader::shorten(const std::string& s) {
  std::string out;
  for (const char c : s.substr(0, 60)) {
    out += std::iscntrl(static_cast<unsigned char>(c)) ? '?' : c;
  }
  return s.size() > 60 ? out + "..." : out;
}

bool ObjectReader::text(const char* key, std::string& out, bool required) {
  const json* v = find(key, required);
  if (v == nullptr) {
    return false;
  }
  if (!v->is_string()) {
    wrong_type(key, "a string", *v);
    return false;
  }
  out = v->get<std::string>();
  return true;
}

bool ObjectReader::boolean(const char* key, bool& out) {
  const json* v = find(key, false);
  if (v == nullptr) {
    return false;
  }
  if (!v->is_boolean()) {
    wrong_type(key, "a boolean (true or false)", *v);
    return false;
  }
  out = v->get<bool>();
  return true;
}

bool ObjectReader::integer(const char* key, int& out, int min, int max) {
  const json* v = find(key, false);
  if (v == nullptr) {
    return false;
  }
  if (!v->is_number_integer()) {
    wrong_type(key, "an integer", *v);
    return false;
  }
  const bool in_range = v->is_number_unsigned()
                            ? v->get<unsigned long long>() <= static_cast<unsigned long long>(max)
                            : v->get<long long>() >= min && v->get<long long>() <= max;
  if (!in_range || v->get<long long>() < min) {
    problem(key, "must be between " + std::to_string(min) + " and " + std::to_string(max) +
                     ", got " + v->dump());
    return false;
  }
  out = static_cast<int>(v->get<long long>());
  return true;
}

bool ObjectReader::strings(const char* key, std::vector<std::string>& out, bool required) {
  const json* v = find(key, required);
  if (v == nullptr) {
    return false;
  }
  if (!v->is_array()) {
    wrong_type(key, "an array of strings", *v);
    return false;
  }
  std::vector<std::string> items;
  bool ok = true;
  for (std::size_t i = 0; i < v->size(); ++i) {
    const json& item = (*v)[i];
    if (!item.is_string()) {
      m_problems.add(path_of(key) + "[" + std::to_string(i) + "]",
                     "expected a string, got " + describe_value(item));
      ok = false;
    } else {
      items.push_back(item.get<std::string>());
    }
  }
  if (ok) {
    out = std::move(items);
  }
  return ok;
}

const json* ObjectReader::object(const char* key, bool required) {
  const json* v = find(key, required);
  if (v != nullptr && !v->is_object()) {
    wrong_type(key, "an object", *v);
    return nullptr;
  }
  return v;
}

void ObjectReader::finish() {
  for (const auto& [key, value] : m_object.items()) {
    if (key == "$comment" || m_known.count(key) != 0) {
      continue;
    }
    std::string message = "unknown key '" + shorten(key) + "'";
    if (const auto guess = closest(key, m_known)) {
      message += " (did you mean '" + *guess + "'?)";
    }
    m_problems.add(path_of(key), message);
  }
}

}  // namespace bzjira::adapters::config
