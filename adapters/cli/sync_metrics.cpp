#include "adapters/cli/sync_metrics.h"

#include "adapters/cli/inputs.h"
#include "adapters/cli/metrics.h"
#include "sync/audit.h"
#include "sync/obligations.h"

namespace bzjira::adapters::cli {

namespace {

// A metrics file is small; anything bigger is not ours and is not read.
constexpr std::size_t k_max_previous_bytes = 1024 * 1024;

}  // namespace

sync::Status write_sync_metrics(const std::string& path, sync::StateStore& store,
                                const sync::Mapping& mapping, sync::Instant now,
                                const RunFacts& facts) {
  auto records = store.load_bugs();
  if (!records) {
    return records.error();
  }
  const auto previous_text = read_text_file(path, k_max_previous_bytes);
  SyncMetrics m =
      read_previous_metrics(previous_text ? *previous_text : std::string(), mapping.name);

  // Every kind is listed, so a kind that drops to zero shows 0 rather than disappearing.
  for (const auto kind : {sync::ObligationKind::question, sync::ObligationKind::needinfo,
                          sync::ObligationKind::update, sync::ObligationKind::full_report}) {
    m.open_by_kind[sync::to_string(kind)] = 0;
  }
  m.overdue = 0;
  std::optional<sync::Instant> next;
  for (const sync::BugRecord& record : *records) {
    if (!sync::in_scope(record.bug, mapping.bugzilla.scope)) {
      continue;
    }
    for (const sync::Obligation& o :
         sync::open_obligations(record, mapping.policy, mapping.bugzilla.ca_accounts,
                                mapping.bugzilla.ignored_accounts, now)) {
      m.open_by_kind[sync::to_string(o.kind)] += 1;
      if (o.status == sync::WindowStatus::overdue) {
        m.overdue += 1;
      } else if (!next || o.deadline < *next) {
        next = o.deadline;
      }
    }
  }
  if (next) {
    m.next_deadline_seconds = static_cast<double>((*next - now).count());
  }
  if (facts.report.exit_code == 0) {
    m.last_success = static_cast<double>(facts.ended.time_since_epoch().count());
  }
  const sync::ExecutionReport& x = facts.report.execution;
  const std::pair<const char*, int> actions[] = {
      {"created", x.created}, {"updated", x.updated},   {"commented", x.commented},
      {"closed", x.closed},   {"reopened", x.reopened}, {"reply_posted", x.replies_posted}};
  for (const auto& [type, count] : actions) {
    m.actions[type] += count;
  }
  m.errors["bugzilla"] += facts.bugzilla_errors;
  m.errors["jira"] += facts.jira_errors;
  m.errors["state"] += facts.state_errors;
  m.requests["bugzilla"] += facts.report.bugzilla_requests;
  m.requests["jira"] += facts.report.jira_requests;
  m.run_duration_seconds = facts.seconds;
  return write_file_atomically(path, render_metrics(m));
}

}  // namespace bzjira::adapters::cli
