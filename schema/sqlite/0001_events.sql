-- SQLite event store, version 1: the store format marker, the event log, stream heads, and the
-- triggers that keep the log append-only. Applied in one transaction by the SQLite store's
-- migrator (adapters/sqlite/migrator.cc), which also keeps schema_migrations. Never edit this
-- file once shipped: add 0002_... instead (the checksum check refuses an edited migration).
--
-- Integers that the engine holds as uint64 (positions, versions) are stored as INTEGER, which
-- is int64: the store refuses values above 2^63-1 rather than wrapping them.

-- What kind of store this file is. Opening a file whose format the binary does not know is
-- refused instead of guessed at.
CREATE TABLE ledger_store (
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
  format    TEXT NOT NULL
) STRICT;
INSERT INTO ledger_store (singleton, format) VALUES (1, 'ledger.sqlite.v1');

-- The log. global_position is the rowid, assigned explicitly by the writer as head+1 inside
-- its write transaction, so positions are dense for appends and commit order is position
-- order (there is one writer at a time).
CREATE TABLE events (
  global_position INTEGER PRIMARY KEY CHECK (global_position > 0),
  stream_id       TEXT    NOT NULL,
  stream_version  INTEGER NOT NULL CHECK (stream_version > 0),
  event_id        BLOB    NOT NULL UNIQUE CHECK (length(event_id) = 16),
  event_type      TEXT    NOT NULL,
  schema_version  INTEGER NOT NULL CHECK (schema_version > 0),
  tenant_id       TEXT    NOT NULL,
  payload         TEXT    NOT NULL,
  correlation_id  TEXT    NOT NULL,
  causation_id    TEXT    NOT NULL,
  actor           TEXT    NOT NULL,
  source          TEXT    NOT NULL,
  raw_body        BLOB,                     -- NULL: the event has no raw body
  recorded_at     INTEGER NOT NULL,         -- microseconds since the Unix epoch, UTC
  stream_hash     BLOB    NOT NULL CHECK (length(stream_hash) = 32),
  UNIQUE (stream_id, stream_version)        -- also the index ReadStream walks
) STRICT;

-- Each stream's head, read and rewritten by the writer under its write lock; it saves a
-- search of events for every append and is what the hash chain continues from.
CREATE TABLE streams (
  stream_id        TEXT    PRIMARY KEY,
  version          INTEGER NOT NULL CHECK (version > 0),
  hash             BLOB    NOT NULL CHECK (length(hash) = 32),
  tenant_id        TEXT    NOT NULL,
  last_recorded_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- Immutability. Triggers also disable SQLite's truncate optimisation, so an unqualified
-- DELETE is caught too. Anyone who can write the file can still drop them; the hash chains
-- and seals (DESIGN.md section 8) are what detect that.
CREATE TRIGGER events_are_immutable_update BEFORE UPDATE ON events
BEGIN
  SELECT RAISE(ABORT, 'ledger events are immutable: UPDATE is not allowed');
END;
CREATE TRIGGER events_are_immutable_delete BEFORE DELETE ON events
BEGIN
  SELECT RAISE(ABORT, 'ledger events are immutable: DELETE is not allowed');
END;

-- A stream head only moves forward and never disappears.
CREATE TRIGGER streams_only_advance BEFORE UPDATE ON streams
WHEN NEW.stream_id IS NOT OLD.stream_id OR NEW.version <= OLD.version
  OR NEW.tenant_id IS NOT OLD.tenant_id
BEGIN
  SELECT RAISE(ABORT, 'ledger stream heads only advance');
END;
CREATE TRIGGER streams_are_never_deleted BEFORE DELETE ON streams
BEGIN
  SELECT RAISE(ABORT, 'ledger stream heads are never deleted');
END;
