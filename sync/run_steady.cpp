// The steady mark in a run (sync/steady.h): the end of a run the mark stands for, and the mark an
// evaluation leaves.
#include <vector>

#include "sync/executor.h"
#include "sync/mirror_view.h"
#include "sync/run_runner.h"

namespace bzjira::sync::run_detail {

RunReport Runner::steady_run(const JiraView& view) {
  m_report.steady = true;
  m_report.obligations_open = m_mark->open;
  m_report.overdue = m_mark->overdue;
  m_report.next_deadline = m_mark->next_deadline;
  if (Status s = save_jira(view); !s) {
    return stop(k_exit_internal, "state store", s.error());
  }
  // What an evaluation would plan (sync/steady.h). Executed all the same, as in any run.
  const Plan plan;
  m_report.notes = m_notes;
  if (!m_clock_note.empty()) {
    m_report.notes.push_back(m_clock_note);
  }
  execute_plan(plan, view.mirrored);
  // The mark still holds (nothing it speaks for changed), but a write of this run may have dropped
  // it: an issue state saved as it was, the day's API key check.
  if (m_report.exit_code == k_exit_ok) {
    auto still = m_store.steady_mark();
    if (!still) {
      m_report.errors.push_back(still.error());
      raise_exit(k_exit_internal);
    } else if (!*still) {
      if (Status s = m_store.set_steady_mark(m_mark); !s) {
        m_report.errors.push_back(s.error());
        raise_exit(k_exit_internal);
      }
    }
  }
  return finish(m_report.exit_code == k_exit_ok ? "" : "finished with errors: ");
}

void Runner::leave_steady_mark(const Plan& plan, const DerivedWindows& derived) {
  std::optional<SteadyMark> mark;
  if (m_report.exit_code == k_exit_ok && m_report.errors.empty() && plan.actions.empty() &&
      plan.notes.empty() && !m_mapping.replies.enabled) {
    mark = SteadyMark{m_steady_fingerprint,
                      m_plan_now,
                      steady_until(m_plan_now, m_report.next_deadline, derived.unsettled()),
                      m_report.obligations_open,
                      m_report.overdue,
                      m_report.next_deadline};
  } else if (!m_mark) {
    return;  // nothing to remove
  }
  if (Status s = m_store.set_steady_mark(mark); !s) {
    m_report.errors.push_back(s.error());
    raise_exit(k_exit_internal);
  }
}

}  // namespace bzjira::sync::run_detail
