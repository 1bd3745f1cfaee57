// The JSON rendering of the audit (bzjira audit --format json), on reports built by hand.
#include <catch2/catch.hpp>

#include <sstream>

#include <nlohmann/json.hpp>

#include "adapters/cli/output_json.h"

using bzjira::adapters::cli::render_audit_json;
using namespace bzjira::sync;
using nlohmann::json;

namespace {

Instant at(const char* text) { return *parse_rfc3339(text); }

AuditReport report_with(std::vector<Obligation> windows) {
  AuditReport report;
  report.now = at("2026-11-26T12:00:00Z");
  BugAudit bug;
  bug.bug_id = 42;
  bug.summary = "Example CA: a \"quoted\" summary";
  bug.windows = std::move(windows);
  report.bugs.push_back(bug);
  return report;
}

// What nlohmann/json's dump(2) gives for the report's windows, built member by member from the
// documented field list (output_json.h).
std::string nlohmann_layout(const AuditReport& report) {
  nlohmann::ordered_json expected = nlohmann::ordered_json::array();
  const auto time_or_null = [](const std::optional<Instant>& t) {
    return t ? nlohmann::ordered_json(format_rfc3339(*t)) : nlohmann::ordered_json(nullptr);
  };
  const auto text_or_null = [](const std::string& s) {
    return s.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(s);
  };
  const auto number_or_null = [](const auto& v) {
    return v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json(nullptr);
  };
  for (const BugAudit& bug : report.bugs) {
    for (std::size_t i = 0; i < bug.windows.size(); ++i) {
      const Obligation& o = bug.windows[i];
      const int lapse = i < bug.window_lapse.size() ? bug.window_lapse[i] : -1;
      expected.push_back({{"bug_id", o.bug_id},
                          {"bug_summary", bug.summary},
                          {"key", o.key},
                          {"kind", to_string(o.kind)},
                          {"rule", o.rule},
                          {"start", format_rfc3339(o.start)},
                          {"start_comment", number_or_null(o.start_comment_count)},
                          {"start_comment_id", number_or_null(o.start_comment_id)},
                          {"start_author", text_or_null(o.start_author)},
                          {"start_private", o.start_comment_private},
                          {"flag_id", number_or_null(o.flag_id)},
                          {"deadline", format_rfc3339(o.deadline)},
                          {"deadline_from_next_update", o.deadline_from_next_update},
                          {"should_by", time_or_null(o.should_by)},
                          {"satisfied_at", time_or_null(o.satisfied_at)},
                          {"satisfied_by", text_or_null(o.satisfied_by)},
                          {"satisfied_comment", number_or_null(o.satisfied_comment_count)},
                          {"satisfied_comment_id", number_or_null(o.satisfied_comment_id)},
                          {"ended_at", time_or_null(o.ended_at)},
                          {"end_reason", text_or_null(o.end_reason)},
                          {"status", to_string(o.status)},
                          {"late_seconds", o.late_seconds.count()},
                          {"lapse", lapse >= 0 ? nlohmann::ordered_json(
                                                     bug.lapses[static_cast<std::size_t>(lapse)].id)
                                               : nlohmann::ordered_json(nullptr)}});
    }
  }
  return expected.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace

TEST_CASE("an empty audit renders as an empty JSON array", "[cli]") {
  CHECK(render_audit_json(AuditReport{}) == "[]\n");
}

TEST_CASE("a met question renders its start, satisfaction and earliness", "[cli]") {
  Obligation w;
  w.key = "bzq-42-1001";
  w.kind = ObligationKind::question;
  w.bug_id = 42;
  w.start = at("2026-11-01T10:00:00Z");
  w.deadline = at("2026-11-08T10:00:00Z");
  w.rule = "IRG 3.2: respond within 7 days";
  w.start_comment_id = 1001;
  w.start_comment_count = 3;
  w.start_author = "someone@community.test";
  w.start_text = "secret private words";
  w.satisfied_at = at("2026-11-07T10:00:00Z");
  w.satisfied_by = "ca@example.test";
  w.satisfied_comment_id = 1002;
  w.satisfied_comment_count = 4;
  w.status = WindowStatus::met;
  w.late_seconds = Seconds{-86400};
  const std::string text = render_audit_json(report_with({w}));
  const json doc = json::parse(text);
  REQUIRE(doc.size() == 1);
  const json& o = doc[0];
  CHECK(o.at("bug_id") == 42);
  CHECK(o.at("bug_summary") == "Example CA: a \"quoted\" summary");
  CHECK(o.at("key") == "bzq-42-1001");
  CHECK(o.at("kind") == "question");
  CHECK(o.at("start") == "2026-11-01T10:00:00Z");
  CHECK(o.at("deadline") == "2026-11-08T10:00:00Z");
  CHECK(o.at("should_by").is_null());
  CHECK(o.at("start_comment") == 3);
  CHECK(o.at("start_comment_id") == 1001);
  CHECK(o.at("start_author") == "someone@community.test");
  CHECK(o.at("flag_id").is_null());
  CHECK(o.at("satisfied_at") == "2026-11-07T10:00:00Z");
  CHECK(o.at("satisfied_by") == "ca@example.test");
  CHECK(o.at("satisfied_comment") == 4);
  CHECK(o.at("ended_at").is_null());
  CHECK(o.at("end_reason").is_null());
  CHECK(o.at("status") == "met");
  CHECK(o.at("late_seconds") == -86400);
  CHECK(o.at("rule") == "IRG 3.2: respond within 7 days");
  // Comment text may be private: never rendered.
  CHECK(text.find("secret private words") == std::string::npos);
  CHECK(text.back() == '\n');
}

TEST_CASE("an open needinfo renders nulls for what has not happened", "[cli]") {
  Obligation w;
  w.key = "bzn-42-77";
  w.kind = ObligationKind::needinfo;
  w.bug_id = 42;
  w.start = at("2026-11-24T09:15:00Z");
  w.deadline = at("2026-12-01T09:15:00Z");
  w.flag_id = 77;
  w.start_author = "moderator@ccadb.test";
  w.status = WindowStatus::open;
  w.late_seconds = Seconds{-422100};
  const json o = json::parse(render_audit_json(report_with({w})))[0];
  CHECK(o.at("kind") == "needinfo");
  CHECK(o.at("flag_id") == 77);
  CHECK(o.at("start_comment").is_null());
  CHECK(o.at("satisfied_at").is_null());
  CHECK(o.at("satisfied_by").is_null());
  CHECK(o.at("satisfied_comment").is_null());
  CHECK(o.at("status") == "open");
  CHECK(o.at("late_seconds") == -422100);
}

TEST_CASE("revocation-delay SHOULD dates, Next update deadlines and void windows render", "[cli]") {
  Obligation update;
  update.key = "bzu-42-5";
  update.kind = ObligationKind::update;
  update.bug_id = 42;
  update.start = at("2026-11-18T16:45:00Z");
  update.deadline = at("2026-11-25T16:45:00Z");
  update.should_by = at("2026-11-21T16:45:00Z");
  update.status = WindowStatus::overdue;
  update.late_seconds = Seconds{69300};
  Obligation ended = update;
  ended.key = "bzu-42-6";
  ended.should_by.reset();
  ended.deadline = at("2026-12-05T00:00:00Z");
  ended.deadline_from_next_update = true;
  ended.ended_at = at("2026-11-20T08:00:00Z");
  ended.end_reason = "bug resolved (FIXED)";
  ended.status = WindowStatus::void_;
  ended.late_seconds = Seconds{0};
  const json doc = json::parse(render_audit_json(report_with({update, ended})));
  REQUIRE(doc.size() == 2);
  CHECK(doc[0].at("key") == "bzu-42-5");
  CHECK(doc[0].at("should_by") == "2026-11-21T16:45:00Z");
  CHECK(doc[0].at("status") == "overdue");
  CHECK(doc[0].at("deadline_from_next_update") == false);
  CHECK(doc[1].at("key") == "bzu-42-6");
  CHECK(doc[1].at("deadline_from_next_update") == true);
  CHECK(doc[1].at("status") == "void");
  CHECK(doc[1].at("ended_at") == "2026-11-20T08:00:00Z");
  CHECK(doc[1].at("end_reason") == "bug resolved (FIXED)");
}

TEST_CASE("invalid UTF-8 in a login does not break the JSON", "[cli]") {
  Obligation w;
  w.key = "bzq-42-1";
  w.bug_id = 42;
  w.start_author = std::string("bad\xff\xfe") + "user@example.test";
  const std::string text = render_audit_json(report_with({w}));
  const json o = json::parse(text)[0];
  CHECK(o.at("start_author").get<std::string>().find("user@example.test") != std::string::npos);
}

TEST_CASE("each window names its lapse, shared by the windows one late answer ended", "[cli]") {
  // Two windows answered late by comment 9 (one lapse, "42#c9" after Bugzilla's comment anchor)
  // and a met one (no lapse).
  const auto window = [](const char* key, ObligationKind kind, const char* start,
                         const char* deadline) {
    Obligation w;
    w.key = key;
    w.kind = kind;
    w.bug_id = 42;
    w.start = at(start);
    w.deadline = at(deadline);
    w.satisfied_at = at("2026-11-20T00:00:00Z");
    w.satisfied_by = "ca@example.test";
    w.satisfied_comment_id = 9009;
    w.satisfied_comment_count = 9;
    w.late_seconds = *w.satisfied_at - w.deadline;
    w.status = w.late_seconds.count() > 0 ? WindowStatus::missed : WindowStatus::met;
    return w;
  };
  AuditReport report = report_with(
      {window("bzu-42-1", ObligationKind::update, "2026-11-01T00:00:00Z", "2026-11-08T00:00:00Z"),
       window("bzq-42-5", ObligationKind::question, "2026-11-05T00:00:00Z", "2026-11-12T00:00:00Z"),
       window("bzq-42-8", ObligationKind::question, "2026-11-19T00:00:00Z",
              "2026-11-26T00:00:00Z")});
  BugAudit& bug = report.bugs.front();
  bug.lapses = audit_lapses(bug);
  bug.window_lapse = {0, 0, -1};
  const json doc = json::parse(render_audit_json(report));
  REQUIRE(doc.size() == 3);
  CHECK(doc[0].at("lapse") == "42#c9");
  CHECK(doc[1].at("lapse") == "42#c9");
  CHECK(doc[2].at("lapse").is_null());
}

TEST_CASE("the JSON is laid out byte for byte as nlohmann's dump with two spaces lays it out",
          "[cli]") {
  // Issue 14 writes the JSON as it goes instead of building a tree: what users and scripts read
  // must not change. Hostile text covers every escape, non-ASCII and invalid bytes.
  Obligation w;
  w.key = "bzq-42-1001";
  w.kind = ObligationKind::question;
  w.bug_id = 42;
  w.rule = "IRG 3.2: \"respond\" within 7 days \\ tab\there";
  w.start = at("2026-11-01T10:00:00Z");
  w.deadline = at("2026-11-08T10:00:00Z");
  w.start_comment_id = 1001;
  w.start_comment_count = 3;
  w.start_author = std::string("ctl\x01\x1f\x7f caf\xc3\xa9 bad\xff end");
  w.satisfied_at = at("2026-11-07T10:00:00Z");
  w.satisfied_by = "ca@example.test";
  w.status = WindowStatus::met;
  w.late_seconds = Seconds{-86400};
  Obligation open = w;
  open.key = "bzn-42-h1";
  open.kind = ObligationKind::needinfo;
  open.flag_id = 77;
  open.start_comment_id.reset();
  open.start_comment_count.reset();
  open.satisfied_at.reset();
  open.satisfied_by.clear();
  open.should_by = at("2026-11-05T10:00:00Z");
  open.status = WindowStatus::overdue;
  open.late_seconds = Seconds{1234};
  const AuditReport report = report_with({w, open});
  CHECK(render_audit_json(report) == nlohmann_layout(report));
}

TEST_CASE("a JSON audit larger than the writer's buffer is written whole to a stream", "[cli]") {
  Obligation w;
  w.key = "bzq-42-1";
  w.bug_id = 42;
  w.rule = "IRG 3.2: respond within 7 days";
  const AuditReport report = report_with(std::vector<Obligation>(5000, w));  // about 3.5 MB
  std::ostringstream out;
  bzjira::adapters::cli::write_audit_json(out, report);
  CHECK(out.str() == nlohmann_layout(report));
}

TEST_CASE("a byte that needs escaping is escaped wherever it sits in a string", "[cli]") {
  // The writer tests strings eight bytes at a time and the rest byte by byte: each special byte
  // at each place of a 20-byte rule (two words and a tail) must come out as nlohmann writes it.
  Obligation w;
  w.key = "bzq-42-1";
  w.bug_id = 42;
  w.start = at("2026-11-01T10:00:00Z");
  w.deadline = at("2026-11-08T10:00:00Z");
  const std::string plain = "abcdefghijklmnopqrst";
  for (const char special : {'"', '\\', '\x00', '\x01', '\x1f', '\x7f', '\x80', '\xc3', '\xff'}) {
    for (std::size_t at_byte = 0; at_byte < plain.size(); ++at_byte) {
      w.rule = plain;
      w.rule[at_byte] = special;
      const AuditReport report = report_with({w});
      INFO("byte " << static_cast<int>(static_cast<unsigned char>(special)) << " at " << at_byte);
      CHECK(render_audit_json(report) == nlohmann_layout(report));
    }
  }
  // A plain one is written as it is.
  w.rule = plain + " ~ {} [] 0x7e";
  CHECK(render_audit_json(report_with({w})).find("\"rule\": \"" + w.rule + "\"") !=
        std::string::npos);
}
