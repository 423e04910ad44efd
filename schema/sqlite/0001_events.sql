-- SQLite event store, version 1. Filled in by the SQLite store work.
SELECT 1;
