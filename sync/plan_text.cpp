#include "sync/plan_text.h"
#include "sync/encoding.h"

#include <cstdint>
#include <cstdio>

namespace bzjira::sync::plan_text {

namespace {

// Jira Cloud refuses descriptions over 32767 characters; a quote far below that keeps room for the
// rest of the description and for several obligations in a per-bug issue.
constexpr std::size_t k_max_quote_bytes = 8000;
constexpr std::size_t k_max_global_id = 255;

// Cuts at a UTF-8 character boundary so the result stays valid text.
std::string cut_utf8(const std::string& text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) {
    return text;
  }
  std::size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
    --end;
  }
  return text.substr(0, end) + "\n[… cut by bzjira]";
}

std::string verb(const Obligation& o) {
  switch (o.kind) {
    case ObligationKind::question:
    case ObligationKind::needinfo:
      return "reply";
    case ObligationKind::update:
      return "update";
    case ObligationKind::full_report:
      return "report";
  }
  return "reply";
}

std::string lateness(const Obligation& o) {
  if (o.late_seconds > Seconds{0}) {
    return "late by " + format_duration(o.late_seconds);
  }
  return "on time (" + format_duration(-o.late_seconds) + " early)";
}

Span text(std::string s) { return Span{std::move(s), {}}; }
Span link(std::string s, std::string href) { return Span{std::move(s), std::move(href)}; }

// The section about one obligation: what started it, the quote, the deadline, the rule.
void add_section(RichText& doc, const Mapping& mapping, const Zone& zone, BugId bug,
                 const Obligation& o) {
  const std::string at = format_rfc3339(o.start);
  Block started{BlockKind::paragraph, {}};
  switch (o.kind) {
    case ObligationKind::question:
      started.spans.push_back(text("Question from " + o.start_author + " in "));
      if (o.start_comment_count) {
        started.spans.push_back(link("comment " + std::to_string(*o.start_comment_count),
                                     comment_url(mapping, bug, *o.start_comment_count)));
      } else {
        started.spans.push_back(link("the bug", bug_url(mapping, bug)));
      }
      started.spans.push_back(text(" at " + at + "."));
      break;
    case ObligationKind::needinfo:
      started.spans.push_back(
          text("Needinfo requested from the CA by " + o.start_author + " at " + at + "."));
      break;
    case ObligationKind::update:
      if (o.start_reopened) {
        started.spans.push_back(text("Update owed since the bug was reopened" +
                                     (o.start_author.empty() ? "" : " by " + o.start_author) +
                                     " at " + at + "."));
      } else if (o.start_comment_count) {
        started.spans.push_back(text("Update owed since the CA's last "));
        started.spans.push_back(link("comment " + std::to_string(*o.start_comment_count),
                                     comment_url(mapping, bug, *o.start_comment_count)));
        started.spans.push_back(text(" at " + at + "."));
      } else {
        started.spans.push_back(
            text("Update owed since the bug was filed at " + at + " (no CA comment yet)."));
      }
      break;
    case ObligationKind::full_report:
      started.spans.push_back(
          text("Full incident report owed since the bug was filed at " + at + "."));
      break;
  }
  doc.push_back(std::move(started));

  if (o.kind == ObligationKind::question && !o.start_text.empty()) {
    if (o.start_comment_private && !mapping.policy.copy_private_text) {
      doc.push_back(paragraph("(private comment: text not copied)"));
    } else {
      doc.push_back(Block{BlockKind::quote, {text(cut_utf8(o.start_text, k_max_quote_bytes))}});
    }
  }
  doc.push_back(paragraph("Deadline: " + format_rfc3339(o.deadline) + " (UTC), " +
                          zone.format_local(o.deadline) + " (" + zone.name() + ")."));
  if (o.should_by) {
    doc.push_back(paragraph("SHOULD be updated by " + format_rfc3339(*o.should_by) + " (" +
                            zone.format_local(*o.should_by) + "); MUST by the deadline."));
  }
  if (!o.rule.empty()) {
    doc.push_back(paragraph("Rule: " + o.rule));
  }
}

}  // namespace

std::string login_local_part(const std::string& login) {
  const auto at = login.find('@');
  return at == std::string::npos ? login : login.substr(0, at);
}

std::string kind_text(const Obligation& o) {
  const std::string who = login_local_part(o.start_author);
  switch (o.kind) {
    case ObligationKind::question:
      if (o.start_comment_count) {
        return "question from " + who + " (comment " + std::to_string(*o.start_comment_count) + ")";
      }
      return "question from " + who;
    case ObligationKind::needinfo:
      return "needinfo from " + who;
    case ObligationKind::update:
      if (o.deadline_from_next_update) {
        return "Next update date";
      }
      return o.should_by ? "revocation-delay update" : "weekly update";
    case ObligationKind::full_report:
      return "full incident report";
  }
  return "obligation";
}

std::string summary(BugId bug, const Obligation& o, Date due) {
  return "Bug " + std::to_string(bug) + ": " + verb(o) + " due " + format_date(due) + " — " +
         kind_text(o);
}

std::string deadline_why(const Obligation& o) {
  if (o.deadline_from_next_update) {
    // A Next update date D is due by the end of D in UTC, so D is the day before the deadline's
    // instant when the engine does not say which date it was.
    return "whiteboard Next update " +
           format_date(o.next_update ? *o.next_update : utc_date(o.deadline - Seconds{1}));
  }
  std::string why = "deadline " + format_rfc3339(o.deadline);
  if (!o.rule.empty()) {
    why += " (" + o.rule + ")";
  }
  return why;
}

RichText description(const Mapping& mapping, const Zone& zone, BugId bug,
                     const std::string& bug_summary, const std::vector<const Obligation*>& open,
                     Date due) {
  RichText doc;
  const std::string bug_label = "Bug " + std::to_string(bug);
  doc.push_back(Block{BlockKind::paragraph,
                      {link(bug_label, bug_url(mapping, bug)), text(": " + bug_summary)}});
  if (open.size() > 1) {
    doc.push_back(paragraph(std::to_string(open.size()) +
                            " obligations are open on this bug, earliest deadline first."));
  }
  for (const Obligation* o : open) {
    if (open.size() > 1) {
      doc.push_back(paragraph("— " + kind_text(*o) + " —"));
    }
    add_section(doc, mapping, zone, bug, *o);
  }
  if (!open.empty()) {
    std::string how = "Jira due date " + format_date(due) + ": the last full day in " +
                      zone.name() + " that ends at or before the deadline";
    const int lead = mapping.policy.lead_days;
    if (lead > 0) {
      how += ", minus " + std::to_string(lead) + (lead == 1 ? " lead day" : " lead days");
    }
    how += ".";
    if (open.front()->deadline_from_next_update) {
      how += " The deadline is the end (UTC) of the whiteboard's Next update date.";
    }
    doc.push_back(paragraph(how));
  }
  doc.push_back(
      paragraph("Kept in sync by bzjira: this issue closes itself when the CA's reply "
                "lands on Bugzilla."));
  return doc;
}

std::vector<Span> outcome_spans(const Mapping& mapping, const Obligation& o) {
  std::vector<Span> spans;
  if (o.satisfied_at) {
    const std::string when = format_rfc3339(*o.satisfied_at);
    if (!o.satisfied_comment_id && !o.satisfied_comment_count) {
      // Satisfied without a comment: the requestee cleared the needinfo flag (the engine names
      // them in satisfied_by; a withdrawal by anyone else ends the window instead, below).
      spans.push_back(
          text("needinfo cleared by " +
               (o.satisfied_by.empty() ? std::string("its requestee") : o.satisfied_by) + " at " +
               when + ": " + lateness(o)));
      return spans;
    }
    spans.push_back(text("answered by " + o.satisfied_by));
    if (o.satisfied_comment_count) {
      spans.push_back(text(" in "));
      spans.push_back(link("comment " + std::to_string(*o.satisfied_comment_count),
                           comment_url(mapping, o.bug_id, *o.satisfied_comment_count)));
    }
    spans.push_back(text(" at " + when + ": " + lateness(o)));
    return spans;
  }
  std::string ended = "ended";
  if (o.ended_at) {
    ended += " at " + format_rfc3339(*o.ended_at);
  }
  if (!o.end_reason.empty()) {
    ended += ": " + o.end_reason;
  }
  if (o.status == WindowStatus::missed) {
    ended += ", after the deadline (late by " + format_duration(o.late_seconds) + ")";
  }
  spans.push_back(text(ended));
  return spans;
}

std::string outcome_text(const Obligation& o) {
  std::string out;
  for (const Span& s : outcome_spans(Mapping{}, o)) {
    out += s.text;
  }
  return out;
}

RemoteLink remote_link(const Mapping& mapping, BugId bug, const std::string& key,
                       const std::string& bug_summary, const Obligation* o, bool resolved) {
  RemoteLink link_out;
  std::string system = mapping.bugzilla.url;
  while (!system.empty() && system.back() == '/') {
    system.pop_back();
  }
  const std::string tail = "&id=" + std::to_string(bug) + "&key=" + key;
  link_out.global_id = "system=" + system + tail;
  if (link_out.global_id.size() > k_max_global_id) {
    // Jira's limit; a very long base URL is replaced by its digest, still stable run to run.
    link_out.global_id = "system=" + fnv1a_hex(system) + tail;
  }
  if (o != nullptr && o->start_comment_count) {
    link_out.url = comment_url(mapping, bug, *o->start_comment_count);
    link_out.title =
        "Bug " + std::to_string(bug) + " comment " + std::to_string(*o->start_comment_count);
  } else {
    link_out.url = bug_url(mapping, bug);
    link_out.title = "Bug " + std::to_string(bug);
  }
  link_out.summary = bug_summary;
  link_out.resolved = resolved;
  return link_out;
}

}  // namespace bzjira::sync::plan_text
