-- The baseline table: the columns, defaults, constraints, indexes and column compression of
-- the ledger's events table (schema/postgres/0001_events.sql, 0005_lz4_compression.sql), and
-- nothing else: no streams table, no triggers, no row-level security, no engine in front. pgbench and psql \copy write the ledger's rows
-- here, so each ratio in bench/results.md is "the ledger" over "the same rows in a plain
-- table on the same server".
CREATE TABLE plain_events (
  global_position bigserial   PRIMARY KEY,
  commit_key      xid8        NOT NULL DEFAULT pg_current_xact_id(),
  writer_xid      xid8        NOT NULL DEFAULT pg_current_xact_id(),
  stream_id       text        NOT NULL,
  stream_version  bigint      NOT NULL CHECK (stream_version >= 1),
  event_id        uuid        NOT NULL UNIQUE,
  event_type      text        NOT NULL,
  schema_version  bigint      NOT NULL CHECK (schema_version BETWEEN 1 AND 4294967295),
  tenant_id       text        NOT NULL,
  payload         json        COMPRESSION lz4 NOT NULL,
  correlation_id  text        NOT NULL DEFAULT '',
  causation_id    text        NOT NULL DEFAULT '',
  actor           text        NOT NULL DEFAULT '',
  source          text        NOT NULL DEFAULT '',
  raw_body        bytea       COMPRESSION lz4,
  recorded_at     timestamptz NOT NULL,
  stream_hash     bytea       NOT NULL CHECK (octet_length(stream_hash) = 32),
  UNIQUE (stream_id, stream_version),
  CHECK (commit_key >= writer_xid)
);
CREATE INDEX plain_events_log_order ON plain_events (commit_key, global_position);
