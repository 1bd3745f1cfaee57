// What a Bugzilla comment's text says about its author, for `bzjira init`'s account discovery
// (sync/account_discovery.h): written in the incident-report template, a status update, signed
// with the CA's name, addressed to the CA, automated. Pure text functions; Markdown as BMO shows
// it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace bzjira::sync {

// The headings of the CCADB Incident Reporting Guidelines' report templates that a comment uses,
// lower case, each once, in order of appearance. A heading is a Markdown ATX heading ("## Impact"),
// a line that is bold alone ("**Timeline**", "**Timeline:**") or a line ending with a colon and
// nothing else ("Root Cause Analysis:"). Lines inside fenced code blocks and quoted lines ("> ...")
// are not the author's own and are skipped. Recognised: the report titles "preliminary incident
// report", "full incident report", "incident report", "report closure summary", "incident closure
// summary", and the sections "summary", "impact", "timeline", "root cause analysis",
// "action items".
std::vector<std::string> template_headings(std::string_view text);

// True when the comment is an incident report in the IRG template: a report title heading, or at
// least two distinct section headings (template_headings()).
bool is_incident_report(std::string_view text);

// True when a heading (as template_headings() finds headings) is "Status Update", "Update" or
// "Weekly Update": the CA's regular update.
bool is_status_update(std::string_view text);

// True when one of the comment's last three lines of its own (not quoted, not the first line,
// not a list item, table row or heading) is at most 80 characters and 10 words, names `ca_name`
// as a whole phrase (case-insensitive), does not end like a sentence ('.', '?', '!', ':') and
// does not thank or ask ("thank", "please"): a signature such as "Jane Doe, Example CA" or
// "Example CA Compliance Team", not "Example CA said the same in 2025.".
bool signed_with(std::string_view text, std::string_view ca_name);

// True when the comment opens by addressing the CA: its first line of its own starts with
// "<ca_name>," ("Example CA, please confirm ...") or is "<ca_name>:" or "<ca_name>!", maybe after a
// greeting ("Hi", "Hello", "Dear", "Hey", "Greetings") and with "team" or "folks" after the name
// ("Hi Example CA team,"). Someone speaking TO the CA, not for it.
bool addresses(std::string_view text, std::string_view ca_name);

// True when the text says it is automated: "this is an automated message", "automatically
// generated", "automated comment", "(automated)".
bool says_automated(std::string_view text);

}  // namespace bzjira::sync
