// The store's schema: an ordered list of migrations, the version kept in PRAGMA user_version.
// Internal to adapters/store.
#pragma once

#include "adapters/store/sqlite_db.h"
#include "sync/result.h"

namespace bzjira::adapters::store {

// The version this code writes: the number of migrations.
int schema_version();

// Brings the database up to schema_version(), one transaction per migration, so a crash leaves it
// at a whole version. Safe when two processes race on a fresh file (the version is re-read under
// the write lock). Not an error if it is already current. Errors: ErrorKind::config when the file's
// version is newer than this code (or negative); otherwise see sqlite_error.
sync::Status migrate(Db& db);

}  // namespace bzjira::adapters::store
