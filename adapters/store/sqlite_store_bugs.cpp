// The Bugzilla cache half of SqliteStore: bugs with their flags, comments and history.
#include <unordered_map>

#include "adapters/store/sqlite_store.h"

namespace bzjira::adapters::store {

namespace {

// Bugzilla rejects commas and whitespace in comment tags, so a comma join is lossless for real
// tags.
constexpr char k_tag_separator = ',';

// The statements of one save_bugs call, prepared once and reused for every row.
struct SaveStatements {
  Statement delete_bug;
  Statement insert_bug;
  Statement insert_flag;
  Statement insert_comment;
  Statement insert_history;
  Statement insert_change;
};

sync::Result<SaveStatements> prepare_save(Db& db) {
  const char* sql[] = {
      // Foreign keys cascade the delete to flags, comments, history and history_changes.
      "DELETE FROM bugs WHERE id = ?1",
      "INSERT INTO bugs(id, summary, status, resolution, whiteboard, product, component, creator, "
      "assigned_to, creation_time, last_change_time, last_resolved) "
      "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
      "INSERT INTO flags(bug_id, position, id, name, type_id, status, setter, requestee, "
      "creation_date, modification_date) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
      // OR REPLACE: a comment id is globally unique upstream; if it shows up again (under this or
      // another bug) the newest record wins instead of failing the whole save.
      "INSERT OR REPLACE INTO comments(id, bug_id, count, creator, time, text, is_private, tags) "
      "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
      "INSERT INTO history(bug_id, seq, at, who) VALUES(?1, ?2, ?3, ?4)",
      "INSERT INTO history_changes(bug_id, seq, position, field_name, removed, added) "
      "VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
  };
  Statement* targets[6] = {};
  SaveStatements out;
  targets[0] = &out.delete_bug;
  targets[1] = &out.insert_bug;
  targets[2] = &out.insert_flag;
  targets[3] = &out.insert_comment;
  targets[4] = &out.insert_history;
  targets[5] = &out.insert_change;
  for (int i = 0; i < 6; ++i) {
    auto stmt = db.prepare(sql[i]);
    if (!stmt.ok()) {
      return stmt.error();
    }
    *targets[i] = std::move(stmt).value();
  }
  return out;
}

sync::Status save_one(SaveStatements& s, const sync::BugRecord& record) {
  const sync::Bug& bug = record.bug;
  if (auto status = s.delete_bug.bind_int(1, bug.id).run(); !status.ok()) {
    return status;
  }
  auto status = s.insert_bug.bind_int(1, bug.id)
                    .bind_text(2, bug.summary)
                    .bind_text(3, bug.status)
                    .bind_text(4, bug.resolution)
                    .bind_text(5, bug.whiteboard)
                    .bind_text(6, bug.product)
                    .bind_text(7, bug.component)
                    .bind_text(8, bug.creator)
                    .bind_text(9, bug.assigned_to)
                    .bind_int(10, to_epoch(bug.creation_time))
                    .bind_int(11, to_epoch(bug.last_change_time))
                    .bind_opt_int(12, opt_epoch(bug.last_resolved))
                    .run();
  if (!status.ok()) {
    return status;
  }
  for (std::size_t i = 0; i < bug.flags.size(); ++i) {
    const sync::Flag& flag = bug.flags[i];
    status = s.insert_flag.bind_int(1, bug.id)
                 .bind_int(2, static_cast<std::int64_t>(i))
                 .bind_int(3, flag.id)
                 .bind_text(4, flag.name)
                 .bind_int(5, flag.type_id)
                 .bind_text(6, flag.status)
                 .bind_text(7, flag.setter)
                 .bind_text(8, flag.requestee)
                 .bind_int(9, to_epoch(flag.creation_date))
                 .bind_int(10, to_epoch(flag.modification_date))
                 .run();
    if (!status.ok()) {
      return status;
    }
  }
  for (const sync::Comment& comment : record.comments) {
    // The record's bug owns its comments, whatever bug_id a comment carries.
    status = s.insert_comment.bind_int(1, comment.id)
                 .bind_int(2, bug.id)
                 .bind_int(3, comment.count)
                 .bind_text(4, comment.creator)
                 .bind_int(5, to_epoch(comment.time))
                 .bind_text(6, comment.text)
                 .bind_int(7, comment.is_private ? 1 : 0)
                 .bind_text(8, join_on(comment.tags, k_tag_separator))
                 .run();
    if (!status.ok()) {
      return status;
    }
  }
  for (std::size_t seq = 0; seq < record.history.size(); ++seq) {
    const sync::HistoryEntry& entry = record.history[seq];
    const auto seq64 = static_cast<std::int64_t>(seq);
    status = s.insert_history.bind_int(1, bug.id)
                 .bind_int(2, seq64)
                 .bind_int(3, to_epoch(entry.when))
                 .bind_text(4, entry.who)
                 .run();
    if (!status.ok()) {
      return status;
    }
    for (std::size_t pos = 0; pos < entry.changes.size(); ++pos) {
      const sync::FieldChange& change = entry.changes[pos];
      status = s.insert_change.bind_int(1, bug.id)
                   .bind_int(2, seq64)
                   .bind_int(3, static_cast<std::int64_t>(pos))
                   .bind_text(4, change.field_name)
                   .bind_text(5, change.removed)
                   .bind_text(6, change.added)
                   .run();
      if (!status.ok()) {
        return status;
      }
    }
  }
  return sync::ok_status();
}

// Which rows load_some() reads: every bug or those listed, with or without comments and history.
struct LoadFilter {
  std::string bugs;      // "" or " WHERE id IN (...)"
  std::string children;  // "" or " WHERE bug_id IN (...)"
  bool complete = true;  // comments and history too
};

LoadFilter only(const std::vector<sync::BugId>& ids) {
  // The ids are integers formatted here, never text from outside: safe inside the statement.
  std::string list;
  for (const sync::BugId id : ids) {
    list += (list.empty() ? "" : ",") + std::to_string(id);
  }
  return LoadFilter{" WHERE id IN (" + list + ")", " WHERE bug_id IN (" + list + ")", true};
}

sync::Status load_some(Db& db, std::vector<sync::BugRecord>& out, const LoadFilter& filter) {
  std::unordered_map<sync::BugId, std::size_t> index;
  auto status = db.query(
      "SELECT id, summary, status, resolution, whiteboard, product, component, creator, "
      "assigned_to, creation_time, last_change_time, last_resolved FROM bugs" +
          filter.bugs + " ORDER BY id",
      [&](const Statement& row) {
        sync::BugRecord record;
        sync::Bug& bug = record.bug;
        bug.id = row.int_at(0);
        bug.summary = row.text_at(1);
        bug.status = row.text_at(2);
        bug.resolution = row.text_at(3);
        bug.whiteboard = row.text_at(4);
        bug.product = row.text_at(5);
        bug.component = row.text_at(6);
        bug.creator = row.text_at(7);
        bug.assigned_to = row.text_at(8);
        bug.creation_time = from_epoch(row.int_at(9));
        bug.last_change_time = from_epoch(row.int_at(10));
        if (const auto resolved = row.opt_int_at(11)) {
          bug.last_resolved = from_epoch(*resolved);
        }
        index[bug.id] = out.size();
        out.push_back(std::move(record));
      });
  if (!status.ok()) {
    return status;
  }
  // Child rows are matched to their bug through `index`; foreign keys guarantee the bug exists,
  // the find() guards against a hand-edited file with foreign keys off.
  auto owner = [&](std::int64_t bug_id) -> sync::BugRecord* {
    const auto it = index.find(bug_id);
    return it == index.end() ? nullptr : &out[it->second];
  };
  status = db.query(
      "SELECT bug_id, id, name, type_id, status, setter, requestee, creation_date, "
      "modification_date FROM flags" +
          filter.children + " ORDER BY bug_id, position",
      [&](const Statement& row) {
        if (auto* record = owner(row.int_at(0))) {
          record->bug.flags.push_back(
              sync::Flag{row.int_at(1), row.text_at(2), static_cast<int>(row.int_at(3)),
                         row.text_at(4), row.text_at(5), row.text_at(6), from_epoch(row.int_at(7)),
                         from_epoch(row.int_at(8))});
        }
      });
  if (!status.ok() || !filter.complete) {
    return status;
  }
  status =
      db.query("SELECT bug_id, id, count, creator, time, text, is_private, tags FROM comments" +
                   filter.children + " ORDER BY bug_id, time, id",
               [&](const Statement& row) {
                 if (auto* record = owner(row.int_at(0))) {
                   record->comments.push_back(sync::Comment{
                       row.int_at(1), row.int_at(0), static_cast<int>(row.int_at(2)),
                       row.text_at(3), from_epoch(row.int_at(4)), row.text_at(5),
                       row.int_at(6) != 0, split_on(row.text_at(7), k_tag_separator)});
                 }
               });
  if (!status.ok()) {
    return status;
  }
  status =
      db.query("SELECT bug_id, at, who FROM history" + filter.children + " ORDER BY bug_id, seq",
               [&](const Statement& row) {
                 if (auto* record = owner(row.int_at(0))) {
                   record->history.push_back(
                       sync::HistoryEntry{from_epoch(row.int_at(1)), row.text_at(2), {}});
                 }
               });
  if (!status.ok()) {
    return status;
  }
  // Entries were loaded in seq order and seq is 0..n-1 per bug, so seq is the vector index.
  return db.query("SELECT bug_id, seq, field_name, removed, added FROM history_changes" +
                      filter.children + " ORDER BY bug_id, seq, position",
                  [&](const Statement& row) {
                    auto* record = owner(row.int_at(0));
                    const std::int64_t seq = row.int_at(1);
                    if (record != nullptr && seq >= 0 &&
                        static_cast<std::size_t>(seq) < record->history.size()) {
                      record->history[static_cast<std::size_t>(seq)].changes.push_back(
                          sync::FieldChange{row.text_at(2), row.text_at(3), row.text_at(4)});
                    }
                  });
}

sync::Result<std::vector<sync::BugRecord>> load_filtered(Db& db, const LoadFilter& filter) {
  using Records = std::vector<sync::BugRecord>;
  return guarded(db.path(), "load the bug cache", [&]() -> sync::Result<Records> {
    // One read transaction: the five queries see the same snapshot even if another process writes.
    auto tx = Transaction::begin(db, false);
    if (!tx.ok()) {
      return tx.error();
    }
    Records out;
    if (auto status = load_some(db, out, filter); !status.ok()) {
      return status.error();
    }
    if (auto status = tx->commit(); !status.ok()) {
      return status.error();
    }
    return out;
  });
}

}  // namespace

sync::Result<std::vector<sync::BugRecord>> SqliteStore::load_bugs() {
  return load_filtered(m_db, LoadFilter{});
}

sync::Result<std::vector<sync::BugRecord>> SqliteStore::load_bug_heads() {
  return load_filtered(m_db, LoadFilter{"", "", false});
}

sync::Result<std::vector<sync::BugRecord>> SqliteStore::load_some_bugs(
    const std::vector<sync::BugId>& ids) {
  if (ids.empty()) {
    return std::vector<sync::BugRecord>{};
  }
  return load_filtered(m_db, only(ids));
}

sync::Status SqliteStore::save_bugs(const std::vector<sync::BugRecord>& records) {
  return guarded(path(), "save the bug cache", [&]() -> sync::Status {
    auto tx = Transaction::begin(m_db, true);
    if (!tx.ok()) {
      return tx.error();
    }
    auto statements = prepare_save(m_db);
    if (!statements.ok()) {
      return statements.error();
    }
    for (const auto& record : records) {
      if (auto status = save_one(*statements, record); !status.ok()) {
        return status;  // the Transaction rolls everything back
      }
    }
    return tx->commit();
  });
}

sync::Status SqliteStore::remove_bugs(const std::vector<sync::BugId>& ids) {
  return guarded(path(), "remove bugs from the cache", [&]() -> sync::Status {
    auto tx = Transaction::begin(m_db, true);
    if (!tx.ok()) {
      return tx.error();
    }
    auto stmt = m_db.prepare("DELETE FROM bugs WHERE id = ?1");
    if (!stmt.ok()) {
      return stmt.error();
    }
    for (const sync::BugId id : ids) {
      if (auto status = stmt->bind_int(1, id).run(); !status.ok()) {
        return status;
      }
    }
    return tx->commit();
  });
}

}  // namespace bzjira::adapters::store
