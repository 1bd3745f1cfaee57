// SqliteStore's marks for the next run: the search_marks row and the trail's pending_comments and
// pending_links tables (schema migration 4), the steady row (migration 6).
#include <string>
#include <vector>

#include "adapters/store/sqlite_store.h"

namespace bzjira::adapters::store {

sync::Result<sync::SearchMarks> SqliteStore::search_marks() {
  return guarded(path(), "read the search marks", [&]() -> sync::Result<sync::SearchMarks> {
    sync::SearchMarks marks;
    auto status = m_db.query(
        "SELECT bugzilla_full_search, jira_last_search, jira_last_full_search, jira_scope, "
        "replies_read_all FROM search_marks WHERE id = 1",
        [&](const Statement& row) {
          const auto instant = [&](int column) {
            const auto value = row.opt_int_at(column);
            return value ? std::optional<sync::Instant>(from_epoch(*value)) : std::nullopt;
          };
          marks.bugzilla_full_search = instant(0);
          marks.jira_last_search = instant(1);
          marks.jira_last_full_search = instant(2);
          marks.jira_scope = row.text_at(3);
          marks.replies_read_all = instant(4);
        });
    if (!status.ok()) {
      return status.error();
    }
    return marks;
  });
}

sync::Status SqliteStore::set_search_marks(const sync::SearchMarks& marks) {
  return guarded(path(), "save the search marks", [&]() -> sync::Status {
    auto stmt = m_db.prepare(
        "INSERT OR REPLACE INTO search_marks(id, bugzilla_full_search, jira_last_search, "
        "jira_last_full_search, jira_scope, replies_read_all) VALUES(1, ?1, ?2, ?3, ?4, ?5)");
    if (!stmt.ok()) {
      return stmt.error();
    }
    return stmt->bind_opt_int(1, opt_epoch(marks.bugzilla_full_search))
        .bind_opt_int(2, opt_epoch(marks.jira_last_search))
        .bind_opt_int(3, opt_epoch(marks.jira_last_full_search))
        .bind_text(4, marks.jira_scope)
        .bind_opt_int(5, opt_epoch(marks.replies_read_all))
        .run();
  });
}

sync::Result<std::vector<sync::PendingComment>> SqliteStore::pending_comments() {
  using Marks = std::vector<sync::PendingComment>;
  return guarded(path(), "read the trail's comment marks", [&]() -> sync::Result<Marks> {
    return m_db.collect<Marks>("SELECT step, fingerprint, at FROM pending_comments ORDER BY step",
                               [&](const Statement& row, Marks& out) {
                                 out.push_back(sync::PendingComment{row.text_at(0), row.text_at(1),
                                                                    from_epoch(row.int_at(2))});
                               });
  });
}

sync::Status SqliteStore::put_pending_comment(const sync::PendingComment& comment) {
  return guarded(path(), "save a trail comment mark", [&]() -> sync::Status {
    auto stmt = m_db.prepare(
        "INSERT OR REPLACE INTO pending_comments(step, fingerprint, at) VALUES(?1, ?2, ?3)");
    if (!stmt.ok()) {
      return stmt.error();
    }
    return stmt->bind_text(1, comment.step)
        .bind_text(2, comment.fingerprint)
        .bind_int(3, to_epoch(comment.at))
        .run();
  });
}

sync::Status SqliteStore::remove_pending_comments(const std::vector<std::string>& steps) {
  if (steps.empty()) {
    return sync::ok_status();
  }
  return guarded(path(), "clear trail comment marks", [&]() -> sync::Status {
    auto tx = Transaction::begin(m_db, true);
    if (!tx.ok()) {
      return tx.error();
    }
    auto stmt = m_db.prepare("DELETE FROM pending_comments WHERE step = ?1");
    if (!stmt.ok()) {
      return stmt.error();
    }
    for (const std::string& step : steps) {
      if (auto s = stmt->bind_text(1, step).run(); !s.ok()) {
        return s;
      }
    }
    return tx->commit();
  });
}

sync::Result<std::vector<sync::PendingLink>> SqliteStore::pending_links() {
  using Marks = std::vector<sync::PendingLink>;
  return guarded(path(), "read the trail's link marks", [&]() -> sync::Result<Marks> {
    return m_db.collect<Marks>(
        "SELECT obligation_key, global_id, url, title, summary, resolved FROM pending_links "
        "ORDER BY obligation_key, global_id",
        [&](const Statement& row, Marks& out) {
          out.push_back(sync::PendingLink{
              row.text_at(0), sync::RemoteLink{row.text_at(1), row.text_at(2), row.text_at(3),
                                               row.text_at(4), row.int_at(5) != 0}});
        });
  });
}

sync::Status SqliteStore::put_pending_links(const std::vector<sync::PendingLink>& links) {
  if (links.empty()) {
    return sync::ok_status();
  }
  return guarded(path(), "save trail link marks", [&]() -> sync::Status {
    auto tx = Transaction::begin(m_db, true);
    if (!tx.ok()) {
      return tx.error();
    }
    auto stmt = m_db.prepare(
        "INSERT OR REPLACE INTO pending_links(obligation_key, global_id, url, title, summary, "
        "resolved) VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
    if (!stmt.ok()) {
      return stmt.error();
    }
    for (const sync::PendingLink& l : links) {
      if (auto s = stmt->bind_text(1, l.obligation_key)
                       .bind_text(2, l.link.global_id)
                       .bind_text(3, l.link.url)
                       .bind_text(4, l.link.title)
                       .bind_text(5, l.link.summary)
                       .bind_int(6, l.link.resolved ? 1 : 0)
                       .run();
          !s.ok()) {
        return s;
      }
    }
    return tx->commit();
  });
}

sync::Status SqliteStore::remove_pending_links(const std::vector<sync::PendingLink>& links) {
  if (links.empty()) {
    return sync::ok_status();
  }
  return guarded(path(), "clear trail link marks", [&]() -> sync::Status {
    auto tx = Transaction::begin(m_db, true);
    if (!tx.ok()) {
      return tx.error();
    }
    auto stmt =
        m_db.prepare("DELETE FROM pending_links WHERE obligation_key = ?1 AND global_id = ?2");
    if (!stmt.ok()) {
      return stmt.error();
    }
    for (const sync::PendingLink& l : links) {
      if (auto s = stmt->bind_text(1, l.obligation_key).bind_text(2, l.link.global_id).run();
          !s.ok()) {
        return s;
      }
    }
    return tx->commit();
  });
}

sync::Result<std::optional<sync::SteadyMark>> SqliteStore::steady_mark() {
  using Mark = std::optional<sync::SteadyMark>;
  return guarded(path(), "read the steady mark", [&]() -> sync::Result<Mark> {
    Mark mark;
    auto status = m_db.query(
        "SELECT fingerprint, evaluated_at, valid_until, open_windows, overdue, next_deadline "
        "FROM steady WHERE id = 1",
        [&](const Statement& row) {
          const auto next = row.opt_int_at(5);
          mark = sync::SteadyMark{
              row.text_at(0),
              from_epoch(row.int_at(1)),
              from_epoch(row.int_at(2)),
              static_cast<int>(row.int_at(3)),
              static_cast<int>(row.int_at(4)),
              next ? std::optional<sync::Instant>(from_epoch(*next)) : std::nullopt};
        });
    if (!status.ok()) {
      return status.error();
    }
    return mark;
  });
}

sync::Status SqliteStore::set_steady_mark(const std::optional<sync::SteadyMark>& mark) {
  return guarded(path(), "save the steady mark", [&]() -> sync::Status {
    if (!mark) {
      return m_db.exec("DELETE FROM steady", "remove the steady mark");
    }
    auto stmt = m_db.prepare(
        "INSERT OR REPLACE INTO steady(id, fingerprint, evaluated_at, valid_until, open_windows, "
        "overdue, next_deadline) VALUES(1, ?1, ?2, ?3, ?4, ?5, ?6)");
    if (!stmt.ok()) {
      return stmt.error();
    }
    return stmt->bind_text(1, mark->fingerprint)
        .bind_int(2, to_epoch(mark->evaluated_at))
        .bind_int(3, to_epoch(mark->valid_until))
        .bind_int(4, mark->open)
        .bind_int(5, mark->overdue)
        .bind_opt_int(6, opt_epoch(mark->next_deadline))
        .run();
  });
}

}  // namespace bzjira::adapters::store
