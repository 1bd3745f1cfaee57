// The dataset generator. Each bug is planned from its own seed (spec seed, bug index), so the file
// can be streamed in two passes (bugs, then comments) without holding every comment in memory.
#include "tests/bench/dataset.h"

#include <algorithm>
#include <array>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "tests/bench/dataset_text.h"

namespace bzjira::bench {

namespace {

using Json = nlohmann::json;
constexpr long long k_day = 86400;
constexpr std::int64_t k_first_bug = 2000001;
constexpr std::int64_t k_first_comment = 30000000;
constexpr std::int64_t k_first_flag = 5000000;

constexpr std::array k_staff = {"rootstore@mozilla.test", "chrome-root-program@google.test",
                                "incident-reporting@ccadb.org", "apple-root@apple.test"};
constexpr std::array k_categories = {"[dv-misissuance]", "[ov-misissuance]",    "[ev-misissuance]",
                                     "[policy-failure]", "[crl-failure]",       "[ocsp-failure]",
                                     "[audit-delay]",    "[disclosure-failure]"};
constexpr std::array k_titles = {"Incorrect countryName values in OV certificates",
                                 "Delayed revocation of misissued certificates",
                                 "OCSP responder returned unknown for precertificates",
                                 "CRL not updated within 7 days",
                                 "Certificates issued with a deprecated policy OID",
                                 "Late audit report publication"};

long long epoch_seconds() {
  std::tm tm{};
  tm.tm_year = 2026 - 1900;
  tm.tm_mon = 10;
  tm.tm_mday = 26;
  tm.tm_hour = 12;
  return static_cast<long long>(timegm(&tm));  // k_bench_epoch
}

std::string format_time(long long seconds, const char* format = "%Y-%m-%dT%H:%M:%SZ") {
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

enum class Role { ca, staff, community, bot };

struct PlannedComment {
  std::int64_t id = 0;
  std::string creator;
  Role role = Role::ca;
  long long time = 0;
};

struct PlannedBug {
  std::int64_t id = 0;
  int ca = 0;
  std::string ca_login;
  long long created = 0;
  bool resolved = false;
  long long resolved_at = 0;
  long long last_change = 0;
  std::string whiteboard, summary;
  std::vector<PlannedComment> comments;
  Json flags = Json::array();
  int open_questions = 0;
  bool needinfo_open = false, needinfo_answered = false, next_update = false, revocation = false;
};

int ca_count(const DatasetSpec& spec) { return std::clamp(spec.bugs / 10, 1, 60); }

std::string ca_account(int ca, int which) {
  return std::string(which == 0 ? "compliance" : "pki-lead") + "@ca" + std::to_string(ca) +
         ".bench.test";
}

std::mt19937_64 bug_rng(const DatasetSpec& spec, int index, std::uint64_t stream) {
  std::seed_seq seq{spec.seed, static_cast<std::uint64_t>(index), stream};
  return std::mt19937_64(seq);
}

double unit(std::mt19937_64& rng) { return std::uniform_real_distribution<double>(0, 1)(rng); }

long long between(std::mt19937_64& rng, long long low, long long high) {
  return std::uniform_int_distribution<long long>(low, std::max(low, high))(rng);
}

std::string author_for(std::mt19937_64& rng, Role role, int ca) {
  switch (role) {
    case Role::ca:
      return ca_account(ca, unit(rng) < 0.7 ? 0 : 1);
    case Role::staff:
      return k_staff[std::uniform_int_distribution<std::size_t>(0, k_staff.size() - 1)(rng)];
    case Role::community:
      return "watcher" + std::to_string(between(rng, 1, 20)) + "@community.test";
    case Role::bot:
      return k_bench_bot;
  }
  return k_bench_bot;
}

PlannedBug plan_bug(const DatasetSpec& spec, int index) {
  std::mt19937_64 rng = bug_rng(spec, index, 1);
  const long long epoch = epoch_seconds();
  const int m = std::max(1, spec.comments_per_bug);
  PlannedBug b;
  b.id = k_first_bug + index;
  b.ca = index % ca_count(spec);
  b.ca_login = ca_account(b.ca, 0);
  b.resolved = unit(rng) < 0.2;
  b.created = epoch - between(rng, 30 * k_day, 400 * k_day);
  const long long end = epoch - (b.resolved ? 7 : 1) * k_day;
  const long long span = std::min(between(rng, 7 * k_day, 300 * k_day), end - b.created);
  // Who speaks: the CA answers most questions; the tail of an open bug is chosen explicitly.
  std::vector<Role> roles(static_cast<std::size_t>(m), Role::ca);
  bool asked = false;
  for (int j = 1; j < m; ++j) {
    const double r = unit(rng);
    Role role = asked ? (r < 0.7   ? Role::ca
                         : r < 0.8 ? Role::staff
                         : r < 0.9 ? Role::community
                                   : Role::bot)
                      : (r < 0.25   ? Role::ca
                         : r < 0.6  ? Role::staff
                         : r < 0.85 ? Role::community
                                    : Role::bot);
    roles[static_cast<std::size_t>(j)] = role;
    if (role != Role::bot) {
      asked = role != Role::ca;
    }
  }
  int last_ca = 0;
  if (!b.resolved) {
    const double r = unit(rng);
    const int tail = std::min(m - 1, r < 0.45 ? 0 : r < 0.85 ? 1 : 2);
    last_ca = m - 1 - tail;
    roles[static_cast<std::size_t>(last_ca)] = Role::ca;
    for (int j = last_ca + 1; j < m; ++j) {
      roles[static_cast<std::size_t>(j)] = unit(rng) < 0.6 ? Role::staff : Role::community;
    }
    b.open_questions = tail;
  }
  std::vector<long long> offsets(static_cast<std::size_t>(m), 0);
  for (int j = 1; j < m; ++j) {
    offsets[static_cast<std::size_t>(j)] = between(rng, 1, span);
  }
  std::sort(offsets.begin(), offsets.end());
  for (int j = 0; j < m; ++j) {
    PlannedComment c;
    c.id = k_first_comment + static_cast<std::int64_t>(index) * m + j;
    c.role = roles[static_cast<std::size_t>(j)];
    c.creator = j == 0 ? b.ca_login : author_for(rng, c.role, b.ca);
    c.time = b.created + offsets[static_cast<std::size_t>(j)];
    if (j > 0) {  // strictly later, a minute apart at least
      c.time = std::max(c.time, b.comments.back().time + 60);
    }
    b.comments.push_back(std::move(c));
  }
  b.last_change = b.comments.back().time;
  if (b.resolved) {
    b.resolved_at = b.last_change + between(rng, 3600, 5 * k_day);
    b.last_change = b.resolved_at;
  } else {
    for (int j = m - 1; j >= 0; --j) {
      if (b.comments[static_cast<std::size_t>(j)].role == Role::ca) {
        last_ca = j;
        break;
      }
    }
  }
  if (!b.resolved && unit(rng) < 0.25) {
    // Asked just before the CA's last comment (answered by it) or just after (still open).
    const long long ca_time = b.comments[static_cast<std::size_t>(last_ca)].time;
    const bool answered = last_ca > 0 && unit(rng) < 0.5;
    const long long when = answered ? ca_time - 30 : ca_time + 30;
    b.needinfo_answered = answered;
    b.needinfo_open = !answered;
    b.flags.push_back({{"id", k_first_flag + index},
                       {"type_id", 800},
                       {"name", "needinfo"},
                       {"status", "?"},
                       {"setter", k_staff[0]},
                       {"requestee", b.ca_login},
                       {"creation_date", format_time(when)},
                       {"modification_date", format_time(when)}});
    b.last_change = std::max(b.last_change, when);
  }
  std::string wb =
      std::string("[ca-compliance] ") +
      k_categories[std::uniform_int_distribution<std::size_t>(0, k_categories.size() - 1)(rng)];
  if (!b.resolved && unit(rng) < 0.1) {
    wb += " [leaf-revocation-delay]";
    b.revocation = true;
  }
  if (!b.resolved && unit(rng) < 0.3) {
    const std::string marker =
        "Next update " + format_time(epoch + between(rng, 1, 28) * k_day, "%Y-%m-%d");
    wb = unit(rng) < 0.2 ? marker + " " + wb : wb + " " + marker;
    b.next_update = true;
  }
  if (b.resolved && unit(rng) < 0.5) {
    wb += " [close on " + format_time(b.resolved_at, "%Y-%m-%d") + "]";
  }
  b.whiteboard = wb;
  b.summary = "Bench CA " + std::to_string(b.ca) + ": " +
              k_titles[std::uniform_int_distribution<std::size_t>(0, k_titles.size() - 1)(rng)];
  return b;
}

Json user_detail(const std::string& login, std::int64_t id) {
  return {{"id", id},
          {"real_name", login.substr(0, login.find('@'))},
          {"nick", login.substr(0, login.find('@'))},
          {"name", login},
          {"email", login}};
}

Json bug_json(const PlannedBug& b) {
  return {{"id", b.id},
          {"alias", Json::array()},
          {"summary", b.summary},
          {"status", b.resolved ? "RESOLVED" : "ASSIGNED"},
          {"resolution", b.resolved ? "FIXED" : ""},
          {"is_open", !b.resolved},
          {"whiteboard", b.whiteboard},
          {"product", "CA Program"},
          {"component", "CA Certificate Compliance"},
          {"type", "task"},
          {"version", "other"},
          {"priority", "--"},
          {"severity", "--"},
          {"keywords", Json::array()},
          {"groups", Json::array()},
          {"creator", b.ca_login},
          {"creator_detail", user_detail(b.ca_login, 800000 + b.ca)},
          {"assigned_to", b.ca_login},
          {"assigned_to_detail", user_detail(b.ca_login, 800000 + b.ca)},
          {"cc", Json::array()},
          {"creation_time", format_time(b.created)},
          {"last_change_time", format_time(b.last_change)},
          {"cf_last_resolved", b.resolved ? Json(format_time(b.resolved_at)) : Json()},
          {"flags", b.flags},
          {"comment_count", b.comments.size()},
          {"see_also", Json::array()},
          {"depends_on", Json::array()},
          {"blocks", Json::array()},
          {"dupe_of", nullptr},
          {"deadline", nullptr},
          {"url", ""}};
}

TextKind text_kind(Role role, int count) {
  switch (role) {
    case Role::ca:
      return count == 0 ? TextKind::report : TextKind::ca_update;
    case Role::staff:
      return TextKind::question;
    case Role::community:
      return TextKind::community;
    case Role::bot:
      return TextKind::bot;
  }
  return TextKind::bot;
}

}  // namespace

DatasetFacts write_dataset(const DatasetSpec& spec, const std::string& path) {
  DatasetFacts facts;
  facts.bugs = spec.bugs;
  facts.comments_per_bug = std::max(1, spec.comments_per_bug);
  for (int c = 0; c < ca_count(spec); ++c) {
    facts.ca_accounts.push_back(ca_account(c, 0));
    facts.ca_accounts.push_back(ca_account(c, 1));
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) {
    throw std::runtime_error("cannot write " + path);
  }
  out << "{\"api_keys\": " << Json{{k_bench_api_key, k_bench_login}}.dump()
      << ",\n\"insiders\": [],\n\"history\": {},\n\"bugs\": [\n";
  for (int i = 0; i < spec.bugs; ++i) {
    const PlannedBug b = plan_bug(spec, i);
    out << (i == 0 ? "" : ",\n") << bug_json(b).dump();
    facts.bug_ids.push_back(b.id);
    if (b.resolved) {
      ++facts.resolved;
    } else {
      facts.open_ids.push_back(b.id);
    }
    facts.with_next_update += b.next_update ? 1 : 0;
    facts.revocation_delay += b.revocation ? 1 : 0;
    facts.needinfo_open += b.needinfo_open ? 1 : 0;
    facts.needinfo_answered += b.needinfo_answered ? 1 : 0;
    facts.open_questions += b.open_questions;
  }
  out << "\n],\n\"comments\": {\n";
  for (int i = 0; i < spec.bugs; ++i) {
    const PlannedBug b = plan_bug(spec, i);
    std::mt19937_64 rng = bug_rng(spec, i, 2);
    out << (i == 0 ? "" : ",\n") << "\"" << b.id << "\": [";
    for (std::size_t j = 0; j < b.comments.size(); ++j) {
      const PlannedComment& c = b.comments[j];
      const int count = static_cast<int>(j);
      const std::string text = comment_text(rng, text_kind(c.role, count), comment_length(rng));
      facts.text_bytes += static_cast<long long>(text.size());
      ++facts.comments;
      const Json comment = {{"id", c.id},
                            {"bug_id", b.id},
                            {"attachment_id", nullptr},
                            {"count", count},
                            {"text", text},
                            {"creator", c.creator},
                            {"time", format_time(c.time)},
                            {"creation_time", format_time(c.time)},
                            {"is_private", false},
                            {"tags", Json::array()}};
      out << (j == 0 ? "\n" : ",\n") << comment.dump();
    }
    out << "]";
  }
  out << "\n}}\n";
  out.close();
  if (!out) {
    throw std::runtime_error("cannot write " + path);
  }
  facts.file_bytes = std::filesystem::file_size(path);
  return facts;
}

std::string mapping_json(const MappingSpec& spec) {
  const Json mapping = {
      {"$comment",
       "generated by bzjira-bench (tests/bench): the benchmark's simulators via its "
       "counting proxies"},
      {"name", spec.name},
      {"bugzilla",
       {{"url", "http://127.0.0.1:" + std::to_string(spec.bugzilla_port)},
        {"api_key_env", "BZJIRA_BENCH_BUGZILLA_KEY"},
        {"auth", "header"},
        {"scope",
         {{"product", "CA Program"},
          {"component", "CA Certificate Compliance"},
          {"status", "all"}}},
        {"ca_accounts", spec.ca_accounts},
        {"ignored_accounts", {k_bench_bot}}}},
      {"jira",
       {{"url", "http://127.0.0.1:" + std::to_string(spec.jira_port)},
        {"flavor", "cloud"},
        {"user_env", "BZJIRA_BENCH_JIRA_USER"},
        {"token_env", "BZJIRA_BENCH_JIRA_TOKEN"},
        {"project", "CAINC"},
        {"issue_type", "Task"}}},
      {"policy", {{"time_zone", "UTC"}, {"one_issue_per", "obligation"}}},
      {"replies", {{"enabled", spec.replies}}}};
  return mapping.dump(2) + "\n";
}

void write_text_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    throw std::runtime_error("cannot write " + path);
  }
}

std::vector<std::pair<std::string, std::string>> bench_environment() {
  return {{"BZJIRA_BENCH_BUGZILLA_KEY", k_bench_api_key},
          {"BZJIRA_BENCH_JIRA_USER", "bench@bench.test"},
          {"BZJIRA_BENCH_JIRA_TOKEN", "bench-jira-token"}};
}

std::string staff_question(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  return comment_text(rng, TextKind::question, 200 + seed % 1000);
}

}  // namespace bzjira::bench
