// Wire-level helpers of the Bugzilla simulator: query strings, Bugzilla datetimes, the simulated
// clock, include_fields.
#include "tests/sim/bugzilla_service.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <stdexcept>

namespace bzjira::sim {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

}  // namespace

bool all_digits(const std::string& text) {
  return !text.empty() && text.size() <= 18 &&
         std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
}

std::string percent_decode(const std::string& text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
        hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

QueryParams parse_query(const std::string& raw_query) {
  QueryParams params;
  std::size_t start = 0;
  while (start <= raw_query.size()) {
    std::size_t end = raw_query.find_first_of("&;", start);
    if (end == std::string::npos) {
      end = raw_query.size();
    }
    const std::string pair = raw_query.substr(start, end - start);
    if (!pair.empty()) {
      const std::size_t eq = pair.find('=');
      if (eq == std::string::npos) {
        params.emplace_back(percent_decode(pair, true), "");
      } else {
        params.emplace_back(percent_decode(pair.substr(0, eq), true),
                            percent_decode(pair.substr(eq + 1), true));
      }
    }
    start = end + 1;
  }
  return params;
}

std::vector<std::string> param_values(const QueryParams& query, const std::string& name) {
  std::vector<std::string> values;
  for (const auto& [key, value] : query) {
    if (key == name) {
      values.push_back(value);
    }
  }
  return values;
}

std::optional<std::string> first_param(const QueryParams& query, const std::string& name) {
  for (const auto& [key, value] : query) {
    if (key == name) {
      return value;
    }
  }
  return std::nullopt;
}

std::optional<SimTime> parse_sim_time(const std::string& text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  char sep = 0;
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &consumed) != 3 || consumed != 10) {
    return std::nullopt;
  }
  std::string rest = text.substr(10);
  if (!rest.empty()) {
    int more = 0;
    if (std::sscanf(rest.c_str(), "%c%2d:%2d:%2d%n", &sep, &h, &mi, &s, &more) != 4 ||
        (sep != 'T' && sep != ' ') || more != 9) {
      return std::nullopt;
    }
    rest = rest.substr(9);
    if (!rest.empty() && rest[0] == '.') {  // fractions are dropped
      std::size_t i = 1;
      while (i < rest.size() && std::isdigit(static_cast<unsigned char>(rest[i]))) {
        ++i;
      }
      rest = rest.substr(i);
    }
    if (!rest.empty() && rest != "Z" && rest != "+00:00" && rest != "+0000") {
      return std::nullopt;
    }
  }
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{unsigned(mo)},
                                        std::chrono::day{unsigned(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 60) {
    return std::nullopt;
  }
  return std::chrono::sys_days{ymd} + std::chrono::hours{h} + std::chrono::minutes{mi} +
         std::chrono::seconds{s};
}

std::string format_sim_time(SimTime t) {
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss hms{t - day};
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%04d-%02u-%02uT%02d:%02d:%02dZ", int(ymd.year()),
                unsigned(ymd.month()), unsigned(ymd.day()), int(hms.hours().count()),
                int(hms.minutes().count()), int(hms.seconds().count()));
  return buf;
}

SimClock::SimClock(const std::string& start) : m_anchor(std::chrono::steady_clock::now()) {
  if (!start.empty()) {
    m_base = parse_sim_time(start);
    if (!m_base) {
      throw std::runtime_error("bad --clock value: " + start);
    }
  }
}

SimTime SimClock::now() const {
  std::lock_guard<std::mutex> lock(m_mu);
  if (!m_base) {
    return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  }
  const auto elapsed = std::chrono::steady_clock::now() - m_anchor;
  return *m_base + std::chrono::floor<std::chrono::seconds>(elapsed);
}

void SimClock::set(SimTime now) {
  std::lock_guard<std::mutex> lock(m_mu);
  m_base = now;
  m_anchor = std::chrono::steady_clock::now();
}

// ------------------------------------------------------------------ include_fields

const std::set<std::string>& bug_extra_fields() {
  static const std::set<std::string> k_extra = {"comments",
                                                "attachments",
                                                "history",
                                                "description",
                                                "counts",
                                                "tags",
                                                "triage_owner",
                                                "triage_owner_detail",
                                                "last_change_time_non_bot",
                                                "duplicates"};
  return k_extra;
}

Json filter_fields(const Json& object, const QueryParams& query,
                   const std::set<std::string>& extra) {
  auto split = [&](const std::string& name) {
    std::set<std::string> names;
    for (const auto& value : param_values(query, name)) {
      std::size_t start = 0;
      while (start <= value.size()) {
        std::size_t end = value.find(',', start);
        if (end == std::string::npos) {
          end = value.size();
        }
        std::string item = value.substr(start, end - start);
        item.erase(0, item.find_first_not_of(' '));
        item.erase(item.find_last_not_of(' ') + 1);
        if (!item.empty()) {
          names.insert(item);
        }
        start = end + 1;
      }
    }
    return names;
  };
  std::set<std::string> include = split("include_fields");
  const std::set<std::string> exclude = split("exclude_fields");
  if (include.empty()) {
    include.insert("_default");
  }
  if (!object.is_object()) {
    return object;
  }
  Json out = Json::object();
  for (const auto& [key, value] : object.items()) {
    const bool is_extra = extra.count(key) != 0;
    const std::string base =
        key.size() > 7 && key.ends_with("_detail") ? key.substr(0, key.size() - 7) : key;
    bool want = include.count("_all") != 0 || (include.count("_default") != 0 && !is_extra) ||
                (include.count("_extra") != 0 && is_extra) ||
                (include.count("_custom") != 0 && key.rfind("cf_", 0) == 0) ||
                include.count(key) != 0 || include.count(base) != 0;
    if (exclude.count(key) != 0 || exclude.count(base) != 0) {
      want = false;
    }
    if (want) {
      out[key] = value;
    }
  }
  return out;
}

}  // namespace bzjira::sim
