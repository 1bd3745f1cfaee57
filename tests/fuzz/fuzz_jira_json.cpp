// Jira's answers as the client reads them (adapters/jira/jira_json.h): search pages, bulk-create
// answers, transitions, comment pages (ADF flattened) and error collections, on one untrusted body;
// plus the text hygiene every answer's excerpt goes through (text_limits.h).
#include <iterator>
#include <string>
#include <string_view>

#include "adapters/jira/jira_json.h"
#include "adapters/jira/text_limits.h"
#include "adapters/jira/wiki.h"
#include "tests/fuzz/fuzz_check.h"

namespace jira = bzjira::adapters::jira;
using bzjira::fuzz::require;
using bzjira::sync::ErrorKind;

namespace {

// The kinds error_from_answer documents for each status.
ErrorKind expected_kind(int status) {
  if (status == 401 || status == 403) {
    return ErrorKind::auth;
  }
  if (status == 404) {
    return ErrorKind::not_found;
  }
  if (status == 409 || status == 429 || status >= 500) {
    return ErrorKind::transient;
  }
  return status >= 400 ? ErrorKind::rejected : ErrorKind::internal;
}

void check_text_hygiene(std::string_view body) {
  const std::string clean = jira::sanitize_utf8(body);
  require(jira::sanitize_utf8(clean) == clean, "sanitize_utf8 output is valid UTF-8");
  const std::string summary = jira::clean_summary(body);
  require(jira::count_chars(summary) <= jira::k_summary_max_chars, "summaries fit Jira's limit");
  require(jira::sanitize_utf8(summary) == summary, "summaries are valid UTF-8");
  require(summary.find_first_of("\n\r\t") == std::string::npos, "summaries are one line");
  (void)jira::escape_wiki(clean);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string body = bzjira::fuzz::as_string(data, size);
  const std::string_view view(body);

  if (const auto page = jira::parse_search_page(view, "customfield_10050"); page.ok()) {
    for (const auto& issue : page->issues) {
      require(!issue.id.empty() && !issue.key.empty(), "search results have an id and a key");
    }
  }
  if (const auto bulk = jira::parse_bulk_answer(view); bulk.ok()) {
    for (const auto& created : bulk->created) {
      require(!created.id.empty() && !created.key.empty(), "created issues have an id and a key");
    }
    for (const auto& [index, message] : bulk->failed) {
      require(index >= 0 && !message.empty(), "bulk failures have an index and a message");
    }
  }
  if (const auto transitions = jira::parse_transitions(view); transitions.ok()) {
    for (const auto& t : *transitions) {
      require(!t.id.empty(), "transitions have an id");
    }
  }
  (void)jira::parse_comments_page(view);

  require(!jira::error_body_text(view).empty(), "error_body_text never returns nothing");
  // Each call parses the body: one status per input, picked by its size.
  constexpr int k_statuses[] = {200, 400, 401, 403, 404, 409, 413, 429, 500, 503};
  {
    const int status = k_statuses[size % std::size(k_statuses)];
    const auto error = jira::error_from_answer(status, view, "CAINC-1", "JIRA_API_TOKEN");
    require(error.kind == expected_kind(status), "error kinds follow the HTTP status");
    require(error.http_status == status, "errors keep the HTTP status");
  }
  check_text_hygiene(view);
  return 0;
}
