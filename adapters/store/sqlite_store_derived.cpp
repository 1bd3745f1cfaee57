// The derived-cache half of SqliteStore (sync/derived_cache.h): one row per bug with the windows
// the engine derived from it, removed with the bug by the foreign key's cascade.
#include "adapters/store/sqlite_store.h"

namespace bzjira::adapters::store {

sync::Result<std::vector<sync::DerivedBug>> SqliteStore::load_derived() {
  using Rows = std::vector<sync::DerivedBug>;
  return guarded(path(), "load the derived cache", [&]() -> sync::Result<Rows> {
    Rows out;
    auto status = m_db.query(
        "SELECT bug_id, fingerprint, derived_at, settled_at, open_windows FROM derived "
        "ORDER BY bug_id",
        [&](const Statement& row) {
          out.push_back(sync::DerivedBug{row.int_at(0),
                                         row.text_at(1),
                                         from_epoch(row.int_at(2)),
                                         from_epoch(row.int_at(3)),
                                         row.text_at(4),
                                         {}});
        });
    if (!status.ok()) {
      return status.error();
    }
    return out;
  });
}

sync::Result<std::map<sync::BugId, std::string>> SqliteStore::load_ended(
    const std::vector<sync::BugId>& ids) {
  using Rows = std::map<sync::BugId, std::string>;
  return guarded(path(), "load the derived cache", [&]() -> sync::Result<Rows> {
    auto stmt = m_db.prepare("SELECT ended_windows FROM derived WHERE bug_id = ?1");
    if (!stmt.ok()) {
      return stmt.error();
    }
    Rows out;
    for (const sync::BugId id : ids) {
      stmt->bind_int(1, id);
      auto row = stmt->step();
      if (!row.ok()) {
        return row.error();
      }
      if (*row) {
        out[id] = stmt->text_at(0);
      }
      if (auto rest = stmt->run(); !rest.ok()) {  // drains and resets for the next id
        return rest.error();
      }
    }
    return out;
  });
}

sync::Status SqliteStore::save_derived(const std::vector<sync::DerivedBug>& derived) {
  return guarded(path(), "save the derived cache", [&]() -> sync::Status {
    auto tx = Transaction::begin(m_db, true);
    if (!tx.ok()) {
      return tx.error();
    }
    // Only for a cached bug (the foreign key would refuse the others and fail the whole save).
    auto stmt = m_db.prepare(
        "INSERT OR REPLACE INTO derived(bug_id, fingerprint, derived_at, settled_at, "
        "open_windows, ended_windows) SELECT ?1, ?2, ?3, ?4, ?5, ?6 "
        "WHERE EXISTS (SELECT 1 FROM bugs WHERE id = ?1)");
    if (!stmt.ok()) {
      return stmt.error();
    }
    for (const sync::DerivedBug& d : derived) {
      auto status = stmt->bind_int(1, d.bug_id)
                        .bind_text(2, d.fingerprint)
                        .bind_int(3, to_epoch(d.derived_at))
                        .bind_int(4, to_epoch(d.settled_at))
                        .bind_text(5, d.open_windows)
                        .bind_text(6, d.ended_windows)
                        .run();
      if (!status.ok()) {
        return status;
      }
    }
    return tx->commit();
  });
}

}  // namespace bzjira::adapters::store
