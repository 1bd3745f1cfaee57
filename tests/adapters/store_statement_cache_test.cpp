// Db's statement cache: each SQL text compiled once per connection, reused statements start clean,
// the same text may be in use twice at once, and a statement may outlive its Db. And Transaction
// nested in an open transaction (a savepoint).
#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <optional>

#include "adapters/store/sqlite_db.h"

using bzjira::adapters::store::Db;
using bzjira::adapters::store::Statement;

namespace {

Db memory_db() {
  auto db = Db::open(":memory:");
  REQUIRE(db.ok());
  REQUIRE(db->exec("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)", "create").ok());
  return std::move(*db);
}

int statements_of(const Db& db) {
  int n = 0;
  for (sqlite3_stmt* s = sqlite3_next_stmt(db.handle(), nullptr); s != nullptr;
       s = sqlite3_next_stmt(db.handle(), s)) {
    ++n;
  }
  return n;
}

}  // namespace

TEST_CASE("the same SQL prepared a hundred times is compiled once", "[store]") {
  Db db = memory_db();
  for (int i = 0; i < 100; ++i) {
    auto insert = db.prepare("INSERT INTO t (k, v) VALUES (?1, ?2)");
    REQUIRE(insert.ok());
    REQUIRE(insert->bind_int(1, i).bind_text(2, "v" + std::to_string(i)).run().ok());
  }
  CHECK(statements_of(db) == 1);
  auto count = db.prepare("SELECT count(*) FROM t");
  REQUIRE(count.ok());
  REQUIRE(*count->step());
  CHECK(count->int_at(0) == 100);
}

TEST_CASE("a reused statement keeps no value bound by its previous use", "[store]") {
  Db db = memory_db();
  {
    auto insert = db.prepare("INSERT INTO t (k, v) VALUES (?1, ?2)");
    REQUIRE(insert.ok());
    REQUIRE(insert->bind_int(1, 1).bind_text(2, "secret").run().ok());
  }
  {
    auto insert = db.prepare("INSERT INTO t (k, v) VALUES (?1, ?2)");
    REQUIRE(insert.ok());
    REQUIRE(insert->bind_int(1, 2).run().ok());  // ?2 not bound this time: NULL
  }
  auto read = db.prepare("SELECT v IS NULL FROM t WHERE k = 2");
  REQUIRE(read.ok());
  REQUIRE(*read->step());
  CHECK(read->int_at(0) == 1);
}

TEST_CASE("a statement dropped in the middle of its rows is reusable from the start", "[store]") {
  Db db = memory_db();
  REQUIRE(db.exec("INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')", "fill").ok());
  {
    auto first = db.prepare("SELECT v FROM t ORDER BY k");
    REQUIRE(first.ok());
    REQUIRE(*first->step());
    CHECK(first->text_at(0) == "a");
  }  // one row read, two pending
  auto again = db.prepare("SELECT v FROM t ORDER BY k");
  REQUIRE(again.ok());
  REQUIRE(*again->step());
  CHECK(again->text_at(0) == "a");
  // Not holding a read transaction open: a write transaction can still commit.
  REQUIRE(db.exec("BEGIN IMMEDIATE; DELETE FROM t WHERE k = 3; COMMIT", "write").ok());
}

TEST_CASE("the same SQL can be in use twice at once", "[store]") {
  Db db = memory_db();
  REQUIRE(db.exec("INSERT INTO t VALUES (1, 'a'), (2, 'b')", "fill").ok());
  auto outer = db.prepare("SELECT k FROM t ORDER BY k");
  auto inner = db.prepare("SELECT k FROM t ORDER BY k");
  REQUIRE(outer.ok());
  REQUIRE(inner.ok());
  REQUIRE(*outer->step());
  REQUIRE(*inner->step());
  REQUIRE(*inner->step());
  CHECK(outer->int_at(0) == 1);
  CHECK(inner->int_at(0) == 2);
  CHECK(statements_of(db) == 2);
}

TEST_CASE("a statement that outlives its Db is finalized safely", "[store]") {
  std::optional<Statement> kept;
  {
    Db db = memory_db();
    auto stmt = db.prepare("SELECT 1");
    REQUIRE(stmt.ok());
    kept.emplace(std::move(*stmt));
  }
  kept.reset();  // must neither crash nor leak (the ASan build checks)
  SUCCEED();
}

TEST_CASE("a transaction inside an open one commits into it, or undoes only its own writes",
          "[store]") {
  Db db = memory_db();
  REQUIRE(db.exec("BEGIN IMMEDIATE", "outer").ok());
  {
    auto kept = bzjira::adapters::store::Transaction::begin(db, true);
    REQUIRE(kept.ok());
    REQUIRE(db.exec("INSERT INTO t VALUES (1, 'kept')", "insert").ok());
    REQUIRE(kept->commit().ok());
  }
  {
    auto undone = bzjira::adapters::store::Transaction::begin(db, true);
    REQUIRE(undone.ok());
    REQUIRE(db.exec("INSERT INTO t VALUES (2, 'undone')", "insert").ok());
  }                                                 // not committed: rolled back to its savepoint
  CHECK(sqlite3_get_autocommit(db.handle()) == 0);  // the outer one is still open
  REQUIRE(db.exec("COMMIT", "outer").ok());
  auto rows = db.prepare("SELECT group_concat(v) FROM t");
  REQUIRE(rows.ok());
  REQUIRE(*rows->step());
  CHECK(rows->text_at(0) == "kept");
}
