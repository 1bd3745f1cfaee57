// Request bodies and error answers. The answer parsers are in jira_parse.cpp.
#include <cstdio>

#include <nlohmann/json.hpp>

#include "adapters/http/json_guard.h"
#include "adapters/jira/adf.h"
#include "adapters/jira/jira_json.h"
#include "adapters/jira/jql.h"
#include "adapters/jira/text_limits.h"
#include "adapters/jira/wiki.h"

namespace bzjira::adapters::jira {

using nlohmann::json;

std::string to_body(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

json parse_answer(std::string_view body) {
  if (http::json_too_deep(body)) {
    return json(json::value_t::discarded);
  }
  return json::parse(body, nullptr, false);
}

std::string format_jira_datetime(sync::Instant t) {
  // Jira's form of the same instant: "2026-01-02T03:04:05Z" -> "2026-01-02T03:04:05.000+0000".
  std::string text = sync::format_rfc3339(t);
  text.pop_back();
  return text + ".000+0000";
}

std::string error_collection_text(const json& body) {
  if (!body.is_object()) {
    return {};
  }
  std::string out;
  const auto add = [&out](const std::string& part) {
    if (part.empty()) {
      return;
    }
    if (!out.empty()) {
      out += "; ";
    }
    out += part;
  };
  const auto messages = body.find("errorMessages");
  if (messages != body.end() && messages->is_array()) {
    for (const json& m : *messages) {
      if (m.is_string()) {
        add(m.get<std::string>());
      }
    }
  }
  const auto errors = body.find("errors");
  if (errors != body.end() && errors->is_object()) {
    for (const auto& [field, message] : errors->items()) {
      add(field + ": " + (message.is_string() ? message.get<std::string>() : message.dump()));
    }
  }
  return sanitize_utf8(out);
}

std::string error_body_text(std::string_view body) {
  const json parsed = parse_answer(body);
  if (!parsed.is_discarded()) {
    std::string text = error_collection_text(parsed);
    if (!text.empty()) {
      return text;
    }
  }
  std::string snippet = clean_summary(body, 200);
  return snippet.empty() ? "no details" : snippet;
}

sync::Error error_from_answer(int status, std::string_view body, const std::string& context,
                              const std::string& credential_hint) {
  const std::string details = error_body_text(body);
  const std::string code = " (HTTP " + std::to_string(status) + ")";
  if (status == 401) {
    std::string msg =
        "Jira did not accept the credentials" + code + " for " + context + ": " + details;
    if (!credential_hint.empty()) {
      msg += ". Check " + credential_hint;
    }
    return sync::make_error(sync::ErrorKind::auth, msg, status);
  }
  if (status == 403) {
    return sync::make_error(sync::ErrorKind::auth,
                            "Jira refused " + context + code + ": " + details +
                                ". Check the account's permissions in the project",
                            status);
  }
  if (status == 404) {
    return sync::make_error(sync::ErrorKind::not_found,
                            "Jira found no " + context + code + ": " + details, status);
  }
  if (status == 409 || status == 429 || status >= 500) {
    return sync::make_error(sync::ErrorKind::transient,
                            "Jira could not handle " + context + " now" + code + ": " + details,
                            status);
  }
  if (status >= 400) {
    return sync::make_error(sync::ErrorKind::rejected, "Jira rejected " + context + ": " + details,
                            status);
  }
  return sync::make_error(sync::ErrorKind::internal,
                          "unexpected Jira answer" + code + " for " + context + ": " + details,
                          status);
}

json rich_text_value(const sync::RichText& text, ApiVersion version) {
  if (version == ApiVersion::v3) {
    return to_adf_limited(text);
  }
  return to_wiki_limited(text);
}

std::vector<std::string> issue_labels(const sync::IssueDraft& draft,
                                      const sync::JiraSettings& settings) {
  std::vector<std::string> out;
  const auto add = [&out](const std::string& label) {
    const std::string clean = clean_summary(label, 255);
    if (clean.empty()) {
      return;
    }
    for (const std::string& have : out) {
      if (have == clean) {
        return;
      }
    }
    out.push_back(clean);
  };
  for (const std::string& label : draft.labels) {
    add(label);
  }
  add(std::string(k_mirror_label));
  for (const std::string& label : settings.labels) {
    add(label);
  }
  return out;
}

json draft_fields(const sync::IssueDraft& draft, const sync::JiraSettings& settings,
                  ApiVersion version) {
  json fields = {
      {"project", {{"key", settings.project}}},
      {"issuetype", {{"name", settings.issue_type}}},
      {"summary", clean_summary(draft.summary)},
      {"description", rich_text_value(draft.description, version)},
      {"duedate", sync::format_date(draft.due)},
      {"labels", issue_labels(draft, settings)},
  };
  if (!settings.deadline_field.empty() && draft.deadline) {
    fields[settings.deadline_field] = format_jira_datetime(*draft.deadline);
  }
  return fields;
}

json update_fields(const sync::IssueUpdate& update, const sync::JiraSettings& settings,
                   ApiVersion version) {
  json fields = json::object();
  if (update.summary) {
    fields["summary"] = clean_summary(*update.summary);
  }
  if (update.description) {
    fields["description"] = rich_text_value(*update.description, version);
  }
  if (update.due) {
    fields["duedate"] = sync::format_date(*update.due);
  }
  if (update.deadline && !settings.deadline_field.empty()) {
    fields[settings.deadline_field] = format_jira_datetime(*update.deadline);
  }
  if (update.labels) {
    // The full new list (per-bug issues gain a label per covered obligation); "bzjira" and the
    // mapping's labels are kept so the issue stays findable.
    sync::IssueDraft labels_only;
    labels_only.labels = *update.labels;
    fields["labels"] = issue_labels(labels_only, settings);
  }
  return fields;
}

std::vector<std::string> mirrored_field_names(const sync::JiraSettings& settings,
                                              bool with_comments) {
  std::vector<std::string> names = {"summary", "status", "resolution",
                                    "duedate", "labels", "updated"};
  if (!settings.deadline_field.empty()) {
    names.push_back(settings.deadline_field);
  }
  if (with_comments) {
    names.emplace_back("comment");
  }
  return names;
}

json remote_link_body(const sync::RemoteLink& link) {
  const std::string url = clean_summary(link.url, 2000);
  std::string title = clean_summary(link.title, 255);
  if (title.empty()) {
    title = clean_summary(url, 255);
  }
  json object = {{"url", url}, {"title", title}, {"status", {{"resolved", link.resolved}}}};
  if (!link.summary.empty()) {
    object["summary"] = clean_summary(link.summary, 255);
  }
  return json{{"globalId", link.global_id},
              {"application", {{"type", "org.bugzilla"}, {"name", "Bugzilla"}}},
              {"relationship", "mirrors"},
              {"object", std::move(object)}};
}

}  // namespace bzjira::adapters::jira
