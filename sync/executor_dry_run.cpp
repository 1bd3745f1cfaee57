#include "sync/executor.h"

namespace bzjira::sync {

ExecutionReport dry_run_report(const Plan& plan) {
  ExecutionReport report;
  const std::string text = describe(plan);
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    report.lines.push_back(text.substr(start, end - start));
    start = end == std::string::npos ? text.size() : end + 1;
  }
  // The counts say what the run would do, so the dry-run summary matches its plan lines.
  for (const Action& a : plan.actions) {
    switch (a.type) {
      case ActionType::create_issue:
        ++report.created;
        break;
      case ActionType::update_issue:
        ++report.updated;
        break;
      case ActionType::add_comment:
        ++report.commented;
        break;
      case ActionType::close_issue:
        ++report.closed;
        break;
      case ActionType::reopen_issue:
        ++report.reopened;
        break;
      case ActionType::post_reply:
        // A reply already on Bugzilla only gets its Jira note.
        report.replies_posted += a.reply_bugzilla_id || a.reply_count ? 0 : 1;
        break;
    }
  }
  return report;
}

}  // namespace bzjira::sync
