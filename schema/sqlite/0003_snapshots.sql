-- SQLite aggregate snapshots, version 1 (DESIGN.md section 8; engine/snapshot_store.h).
-- A snapshot is a cache of a folded stream, never history: rows are replaced and deleted
-- freely, nothing that verifies or replays the ledger reads them, and losing the table loses
-- only speed. Never edit this file once shipped: add 0004_... instead.

-- One row per (stream, aggregate): the newest snapshot. stream_version is the last event
-- folded into `bytes`; state_version is the shape of `bytes`, which only the aggregate's code
-- reads (a version it does not know is ignored and the stream folded instead).
CREATE TABLE aggregate_snapshots (
  tenant_id      TEXT    NOT NULL,
  stream_id      TEXT    NOT NULL,
  aggregate      TEXT    NOT NULL,
  stream_version INTEGER NOT NULL CHECK (stream_version > 0),
  state_version  INTEGER NOT NULL CHECK (state_version BETWEEN 0 AND 4294967295),
  bytes          BLOB    NOT NULL,
  taken_at       INTEGER NOT NULL,          -- microseconds since the Unix epoch, UTC
  PRIMARY KEY (stream_id, aggregate)
) STRICT, WITHOUT ROWID;
