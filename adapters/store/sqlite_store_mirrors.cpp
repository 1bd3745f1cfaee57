// SqliteStore's mirror_state table: the last seen state of every mirrored Jira issue.
#include <string>
#include <vector>

#include "adapters/store/sqlite_store.h"

namespace bzjira::adapters::store {

namespace {

// Jira labels cannot contain white space, so a line feed cannot be part of one.
constexpr char k_label_separator = '\n';

sync::StatusCategory category_of(std::int64_t value) {
  switch (value) {
    case 1:
      return sync::StatusCategory::in_progress;
    case 2:
      return sync::StatusCategory::done;
    default:
      return sync::StatusCategory::todo;
  }
}

std::int64_t category_number(sync::StatusCategory category) {
  switch (category) {
    case sync::StatusCategory::in_progress:
      return 1;
    case sync::StatusCategory::done:
      return 2;
    case sync::StatusCategory::todo:
      break;
  }
  return 0;
}

}  // namespace

sync::Result<std::vector<sync::MirroredIssue>> SqliteStore::mirror_states() {
  using States = std::vector<sync::MirroredIssue>;
  return guarded(path(), "read the mirrored issues' states", [&]() -> sync::Result<States> {
    return m_db.collect<States>(
        "SELECT issue_key, issue_id, summary, labels, due, status, category, resolution, "
        "deadline, updated FROM mirror_state ORDER BY issue_key",
        [&](const Statement& row, States& out) {
          sync::MirroredIssue issue;
          issue.key = row.text_at(0);
          issue.id = row.text_at(1);
          issue.summary = row.text_at(2);
          issue.labels = split_on(row.text_at(3), k_label_separator);
          issue.due = sync::parse_date(row.text_at(4));  // NULL reads as "": no date
          issue.status = row.text_at(5);
          issue.category = category_of(row.int_at(6));
          issue.resolution = row.text_at(7);
          if (const auto deadline = row.opt_int_at(8)) {
            issue.deadline = from_epoch(*deadline);
          }
          if (const auto updated = row.opt_int_at(9)) {
            issue.updated = from_epoch(*updated);
          }
          out.push_back(std::move(issue));
        });
  });
}

sync::Status SqliteStore::save_mirror_states(const std::vector<sync::MirroredIssue>& issues,
                                             bool replace_all) {
  if (issues.empty() && !replace_all) {
    return sync::ok_status();
  }
  return guarded(path(), "save the mirrored issues' states", [&]() -> sync::Status {
    auto tx = Transaction::begin(m_db, true);
    if (!tx.ok()) {
      return tx.error();
    }
    if (replace_all) {
      if (auto s = m_db.exec("DELETE FROM mirror_state", "clear the mirrored issues' states");
          !s.ok()) {
        return s;
      }
    }
    auto stmt = m_db.prepare(
        "INSERT OR REPLACE INTO mirror_state(issue_key, issue_id, summary, labels, due, status, "
        "category, resolution, deadline, updated) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
    if (!stmt.ok()) {
      return stmt.error();
    }
    for (const sync::MirroredIssue& issue : issues) {
      stmt->bind_text(1, issue.key)
          .bind_text(2, issue.id)
          .bind_text(3, issue.summary)
          .bind_text(4, join_on(issue.labels, k_label_separator))
          .bind_text(5, issue.due ? sync::format_date(*issue.due) : std::string())
          .bind_text(6, issue.status)
          .bind_int(7, category_number(issue.category))
          .bind_text(8, issue.resolution)
          .bind_opt_int(9, opt_epoch(issue.deadline))
          .bind_opt_int(10, opt_epoch(issue.updated));
      if (auto s = stmt->run(); !s.ok()) {
        return s;
      }
    }
    return tx->commit();
  });
}

}  // namespace bzjira::adapters::store
