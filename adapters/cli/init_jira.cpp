// `bzjira init --jira`: the "jira" section's choices from what the project allows, each with a
// finding for people (ok, a problem and what to do, or a note) and a note in the section's
// $comment for a reviewer.
#include <algorithm>

#include "adapters/cli/init.h"
#include "sync/bug_history.h"

namespace bzjira::adapters::cli::init {

namespace {

using Level = Finding::Level;

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& i : items) {
    out += (out.empty() ? "" : ", ") + i;
  }
  return out.empty() ? "none" : out;
}

std::string in_quotes(const std::string& s) { return "\"" + s + "\""; }

void choose_issue_type(const jira::ProjectFacts& facts, const std::string& wanted, JiraPlan& plan) {
  std::vector<std::string> names;
  for (const jira::ProjectIssueType& t : facts.issue_types) {
    if (!t.subtask) {
      names.push_back(in_quotes(t.name));
    }
  }
  plan.issue_type = wanted;
  if (facts.issue_type) {
    plan.findings.push_back(
        {Level::ok,
         "issue type " + in_quotes(wanted) + " (the project offers " + join(names) + ")",
         {}});
    plan.notes["issue_type"] = "\"" + wanted + "\" exists in " + facts.key +
                               " and this account may create it; the project offers " +
                               join(names) + ".";
    return;
  }
  if (facts.issue_types.empty()) {
    plan.findings.push_back(
        {Level::fail, "this account may create no issues in " + facts.key,
         "grant it Create Issues in the project's permission scheme, then run bzjira check "
         "--online"});
    plan.notes["issue_type"] = "not checked: the account may create no issues in " + facts.key;
    return;
  }
  std::string near;
  for (const jira::ProjectIssueType& t : facts.issue_types) {
    if (!t.subtask && sync::to_lower_ascii(t.name) == sync::to_lower_ascii(wanted)) {
      near = t.name;
    }
  }
  plan.findings.push_back(
      {Level::fail,
       "project " + facts.key + " has no issue type " + in_quotes(wanted) +
           " this account may create; it offers " + join(names),
       near.empty() ? "rerun bzjira init with --issue-type set to one of them (and --force)"
                    : "write jira.issue_type as " + in_quotes(near)});
  plan.notes["issue_type"] =
      "\"" + wanted + "\" was asked for but " + facts.key + " offers " + join(names) + ".";
}

void check_due_date(const jira::ProjectFacts& facts, JiraPlan& plan) {
  const auto& fields = facts.create_fields;
  const bool due = std::any_of(fields.begin(), fields.end(),
                               [](const jira::ProjectField& f) { return f.id == "duedate"; });
  if (due) {
    plan.findings.push_back(
        {Level::ok, "Due date is on the create screen of " + plan.issue_type, {}});
    plan.notes["due_date"] = "duedate is on the create screen of " + plan.issue_type + ".";
    return;
  }
  if (fields.empty()) {
    plan.notes["due_date"] = "not checked: the create screen could not be read.";
    plan.findings.push_back({Level::note, "the create screen could not be read", {}});
    return;
  }
  plan.findings.push_back(
      {Level::fail,
       "Due date is not on the create screen of " + plan.issue_type + " in " + facts.key,
       "add the Due date field to that screen (project settings, Screens); without it Jira "
       "refuses every issue bzjira creates"});
  plan.notes["due_date"] = "missing from the create screen of " + plan.issue_type + ".";
}

// A required field without a default that bzjira does not set makes every create fail.
void check_required_fields(const jira::ProjectFacts& facts, JiraPlan& plan) {
  for (const jira::ProjectField& f : facts.create_fields) {
    const bool ours = f.id == "summary" || f.id == "issuetype" || f.id == "project" ||
                      f.id == "description" || f.id == "labels" || f.id == "duedate" ||
                      f.id == plan.deadline_field;
    if (f.required && !f.has_default && !ours) {
      plan.findings.push_back({Level::fail,
                               "the create screen of " + plan.issue_type + " requires " +
                                   in_quotes(f.name) + " (" + f.id + "), which bzjira does not set",
                               "make the field optional or give it a default value"});
    }
  }
}

void check_workflow(const jira::ProjectFacts& facts, JiraPlan& plan) {
  std::vector<std::string> done;
  std::vector<std::string> todo;
  std::vector<std::string> all;
  for (const jira::ProjectStatus& s : facts.statuses) {
    all.push_back(s.name + " (" + s.category + ")");
    if (s.category == "done") {
      done.push_back(s.name);
    } else if (s.category == "new") {
      todo.push_back(s.name);
    }
  }
  if (facts.statuses.empty()) {
    plan.findings.push_back({Level::note, "the workflow's statuses could not be read", {}});
    plan.notes["workflow"] = "not checked: the statuses could not be read.";
    return;
  }
  plan.notes["workflow"] = "statuses of " + plan.issue_type + ": " + join(all) +
                           ". Transitions are chosen by the target status's category while "
                           "close_transition and reopen_transition are empty.";
  if (done.empty()) {
    plan.findings.push_back({Level::fail,
                             "the workflow of " + plan.issue_type +
                                 " has no status in category "
                                 "done (" +
                                 join(all) + ")",
                             "add a done status to the workflow, or choose another issue type"});
  } else {
    plan.findings.push_back(
        {Level::ok, "workflow: bzjira closes issues to " + join(done) + " (category done)", {}});
  }
  if (todo.empty()) {
    plan.reopen = false;
    plan.findings.push_back({Level::note,
                             "no to-do status: issues closed by hand cannot be reopened "
                             "(jira.reopen set to false)",
                             {}});
  } else {
    plan.findings.push_back(
        {Level::ok, "workflow: bzjira reopens issues to " + join(todo) + " (category to do)", {}});
  }
  if (facts.sample_issue.empty()) {
    return;
  }
  std::vector<std::string> seen;
  std::vector<std::string> to_done;
  for (const jira::ProjectTransition& t : facts.sample_transitions) {
    seen.push_back(in_quotes(t.name) + " to " + t.to);
    if (t.to_category == "done") {
      to_done.push_back(in_quotes(t.name));
    }
  }
  plan.findings.push_back(
      {Level::note,
       "transitions from " + facts.sample_issue + " (" + facts.sample_status + "): " + join(seen),
       {}});
  if (to_done.size() > 1) {
    plan.findings.push_back({Level::note,
                             "several transitions lead to done (" + join(to_done) +
                                 "): bzjira takes the first; set jira.close_transition to the one "
                                 "it should use",
                             {}});
  }
}

void choose_deadline_field(const jira::ProjectFacts& facts, JiraPlan& plan) {
  std::vector<const jira::ProjectField*> on_screen;
  for (const jira::ProjectField& f : facts.create_fields) {
    if (f.custom && f.type == "datetime") {
      on_screen.push_back(&f);
    }
  }
  std::vector<std::string> all;
  for (const jira::ProjectField& f : facts.datetime_fields) {
    all.push_back(f.id + " " + in_quotes(f.name));
  }
  std::vector<const jira::ProjectField*> named;
  for (const jira::ProjectField* f : on_screen) {
    if (sync::to_lower_ascii(f->name).find("deadline") != std::string::npos) {
      named.push_back(f);
    }
  }
  if (named.size() == 1) {
    plan.deadline_field = named.front()->id;
    plan.findings.push_back({Level::ok,
                             "deadline field " + named.front()->id + " " +
                                 in_quotes(named.front()->name) +
                                 " (date-time, on the create screen) gets the exact deadline",
                             {}});
    plan.notes["deadline_field"] =
        named.front()->id + " " + in_quotes(named.front()->name) +
        " is a date-time field on the create screen named for deadlines.";
    return;
  }
  plan.findings.push_back(
      {Level::note,
       "no deadline field chosen (custom date-time fields: " + join(all) +
           "); the exact deadline stays in each issue's description; set jira.deadline_field to "
           "a date-time field on the create and edit screens to show it",
       {}});
  plan.notes["deadline_field"] =
      "none chosen: no single date-time field on the create screen is named for deadlines "
      "(custom date-time fields: " +
      join(all) + ").";
}

}  // namespace

bool JiraPlan::failed() const {
  return std::any_of(findings.begin(), findings.end(),
                     [](const Finding& f) { return f.level == Level::fail; });
}

JiraPlan plan_jira(const jira::ProjectFacts& facts, const std::string& wanted) {
  JiraPlan plan;
  choose_issue_type(facts, wanted, plan);
  if (facts.issue_type) {
    check_due_date(facts, plan);
    check_workflow(facts, plan);
    choose_deadline_field(facts, plan);
    check_required_fields(facts, plan);
  }
  for (const std::string& problem : facts.problems) {
    plan.findings.push_back({Level::note, "could not read: " + problem, {}});
  }
  return plan;
}

}  // namespace bzjira::adapters::cli::init
