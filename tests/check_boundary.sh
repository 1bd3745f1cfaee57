#!/usr/bin/env bash
# Fails when the pure core (sync/) includes a third-party or I/O library (ARCHITECTURE.md rule 1).
cd "$(dirname "$0")/.."
bad=$(grep -rnE '#include *[<"](cpprest|nlohmann|sqlite3|spdlog|boost|date/|fmt/|catch2)' sync || true)
if [ -n "$bad" ]; then
  echo "sync/ must depend on the standard library only, but:"; echo "$bad"; exit 1
fi
# No clock in the core either: "now" is always a parameter.
clock=$(grep -rnE 'system_clock::now|steady_clock::now|std::time\(|time\(nullptr\)' sync || true)
if [ -n "$clock" ]; then echo "sync/ must not read the clock:"; echo "$clock"; exit 1; fi
exit 0
