// JiraClient: transitions, comments and remote links.
#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include "adapters/jira/jira_client.h"
#include "adapters/jira/jira_client_impl.h"
#include "adapters/jira/text_limits.h"

namespace bzjira::adapters::jira {
namespace {

using nlohmann::json;

constexpr int k_comment_page = 100;
constexpr int k_max_pages = 10000;

const char* category_key(sync::StatusCategory c) {
  switch (c) {
    case sync::StatusCategory::todo:
      return "new";
    case sync::StatusCategory::in_progress:
      return "indeterminate";
    case sync::StatusCategory::done:
      return "done";
  }
  return "new";
}

bool same_name(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::string describe(const std::vector<TransitionInfo>& list) {
  if (list.empty()) {
    return "none (the account may lack the Transition issues permission)";
  }
  std::string out;
  for (const TransitionInfo& t : list) {
    if (!out.empty()) {
      out += ", ";
    }
    out +=
        "\"" + t.name + "\" (id " + t.id + ") to \"" + t.to_status + "\" [" + t.to_category + "]";
  }
  return out;
}

// Jira's limit on globalId (docs/jira-api.md#limits); checked before any request is made.
std::optional<sync::Error> invalid_global_id(const std::string& key, const sync::RemoteLink& link) {
  if (link.global_id.empty() || count_chars(link.global_id) > 255) {
    return sync::make_error(sync::ErrorKind::rejected,
                            "remote link for " + key +
                                ": the globalId must have 1 to 255 characters (has " +
                                std::to_string(count_chars(link.global_id)) + ")");
  }
  return std::nullopt;
}

}  // namespace

sync::Status JiraClient::transition(const std::string& key, sync::StatusCategory target,
                                    const std::optional<std::string>& resolution) {
  const std::string path = Impl::issue_path(key) + "/transitions";
  auto listed =
      m_impl->call("GET", path + "?expand=transitions.fields", {}, true, "transitions of " + key);
  if (!listed.ok()) {
    return listed.error();
  }
  auto transitions = parse_transitions(listed->body);
  if (!transitions.ok()) {
    return transitions.error();
  }
  const sync::JiraSettings& s = m_impl->settings;
  std::string wanted_name;
  if (target == sync::StatusCategory::done) {
    wanted_name = s.close_transition;
  } else if (target == sync::StatusCategory::todo) {
    wanted_name = s.reopen_transition;
  }
  const TransitionInfo* chosen = nullptr;
  for (const TransitionInfo& t : *transitions) {
    const bool fits = wanted_name.empty() ? t.to_category == category_key(target)
                                          : same_name(t.name, wanted_name);
    if (fits) {
      chosen = &t;
      break;
    }
  }
  if (chosen == nullptr) {
    const std::string wanted = wanted_name.empty() ? std::string("to a status in category \"") +
                                                         category_key(target) + "\""
                                                   : "named \"" + wanted_name + "\"";
    return sync::make_error(sync::ErrorKind::not_found,
                            "no transition " + wanted + " is available for " + key +
                                " in its current status; available: " + describe(*transitions));
  }
  json body = {{"transition", {{"id", chosen->id}}}};
  const std::string name = resolution.value_or(s.resolution);
  if (chosen->has_resolution && !name.empty()) {
    body["fields"] = {{"resolution", {{"name", name}}}};
  }
  // A transition sent twice fails the second time (not valid from the new status), so a lost
  // answer is reported as unknown rather than retried.
  auto done = m_impl->call("POST", path, to_body(body), false,
                           key + " (transition \"" + chosen->name + "\")");
  if (!done.ok()) {
    return done.error();
  }
  return sync::ok_status();
}

sync::Status JiraClient::add_comment(const std::string& key, const sync::RichText& body) {
  const json request = {{"body", rich_text_value(body, m_impl->version)}};
  auto answer = m_impl->call("POST", Impl::issue_path(key) + "/comment", to_body(request), false,
                             "a comment on " + key);
  if (!answer.ok()) {
    return answer.error();
  }
  return sync::ok_status();
}

sync::Status JiraClient::upsert_remote_link(const std::string& key, const sync::RemoteLink& link) {
  if (auto refused = invalid_global_id(key, link)) {
    return *refused;
  }
  // Idempotent by globalId: sending it twice updates the same link.
  auto answer = m_impl->call("POST", Impl::issue_path(key) + "/remotelink",
                             to_body(remote_link_body(link)), true, "the remote link on " + key);
  if (!answer.ok()) {
    return answer.error();
  }
  return sync::ok_status();
}

std::vector<sync::Status> JiraClient::upsert_remote_links(
    const std::vector<std::pair<std::string, sync::RemoteLink>>& links) {
  return m_impl->upsert_remote_links(links);
}

http::Request JiraClient::Impl::request_for(const Call& call) const {
  http::Request request;
  request.method = call.method;
  request.url = api_base + call.path;
  request.headers = {{"Authorization", authorization}, {"Accept", "application/json"}};
  if (!call.body.empty()) {
    request.headers.emplace_back("Content-Type", "application/json");
  }
  request.body = call.body;
  request.idempotent = call.idempotent;
  return request;
}

std::vector<sync::Result<http::Response>> JiraClient::Impl::send_all(
    const std::vector<Call>& calls) {
  if (config_error) {
    return std::vector<sync::Result<http::Response>>(calls.size(), *config_error);
  }
  std::vector<http::Request> requests;
  requests.reserve(calls.size());
  for (const Call& c : calls) {
    requests.push_back(request_for(c));
  }
  return http.send_all(requests);
}

std::vector<sync::Status> JiraClient::Impl::upsert_remote_links(
    const std::vector<std::pair<std::string, sync::RemoteLink>>& links) {
  std::vector<sync::Status> out(links.size(), sync::ok_status());
  std::vector<Call> calls;
  std::vector<std::size_t> index_of_call;  // calls[k] is for links[index_of_call[k]]
  for (std::size_t i = 0; i < links.size(); ++i) {
    const auto& [key, link] = links[i];
    if (auto refused = invalid_global_id(key, link)) {
      out[i] = *refused;
      continue;
    }
    calls.push_back(
        Call{"POST", issue_path(key) + "/remotelink", to_body(remote_link_body(link)), true});
    index_of_call.push_back(i);
  }
  const auto answers = send_all(calls);
  for (std::size_t k = 0; k < answers.size(); ++k) {
    const std::size_t i = index_of_call[k];
    const std::string context = "the remote link on " + links[i].first;
    if (!answers[k].ok()) {
      out[i] = answers[k].error();
    } else if (answers[k]->status < 200 || answers[k]->status > 299) {
      out[i] = error_from_answer(answers[k]->status, answers[k]->body, context, credential_hint);
    } else if (!answers[k]->body.empty() && !json::accept(answers[k]->body)) {
      // A cut-off answer: call() asks again like upsert_remote_link would (keyed by globalId,
      // so a second send updates the same link).
      auto again = call(calls[k].method, calls[k].path, calls[k].body, true, context);
      out[i] = again.ok() ? sync::ok_status() : sync::Status(again.error());
    }
  }
  return out;
}

sync::Result<std::vector<sync::IssueComment>> JiraClient::comments_since(const std::string& key,
                                                                         sync::Instant since) {
  std::vector<sync::IssueComment> out;
  long start_at = 0;
  for (int page_no = 0; page_no < k_max_pages; ++page_no) {
    const std::string path = Impl::issue_path(key) +
                             "/comment?orderBy=created&startAt=" + std::to_string(start_at) +
                             "&maxResults=" + std::to_string(k_comment_page);
    auto answer = m_impl->call("GET", path, {}, true, "comments of " + key);
    if (!answer.ok()) {
      return answer.error();
    }
    auto page = parse_comments_page(answer->body);
    if (!page.ok()) {
      return page.error();
    }
    for (sync::IssueComment& c : page->comments) {
      if (c.created >= since) {
        out.push_back(std::move(c));
      }
    }
    start_at += static_cast<long>(page->comments.size());
    if (page->comments.empty() || start_at >= page->total) {
      break;
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const sync::IssueComment& a, const sync::IssueComment& b) {
                     return a.created < b.created;
                   });
  return out;
}

}  // namespace bzjira::adapters::jira
