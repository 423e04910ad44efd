-- PostgreSQL aggregate snapshots, version 1 (DESIGN.md section 8; engine/snapshot_store.h;
-- docs/storage.md). A snapshot is a cache of a folded stream, never history: the writer
-- replaces and deletes rows freely, nothing that verifies or replays the ledger reads them,
-- and losing the table loses only speed.

-- One row per (stream, aggregate): the newest snapshot. stream_version is the last event
-- folded into `bytes`; state_version is the shape of `bytes`, which only the aggregate's code
-- reads (a version it does not know is ignored and the stream folded instead).
CREATE TABLE aggregate_snapshots (
  tenant_id      text        NOT NULL,
  stream_id      text        NOT NULL,
  aggregate      text        NOT NULL,
  stream_version bigint      NOT NULL CHECK (stream_version >= 1),
  state_version  bigint      NOT NULL CHECK (state_version BETWEEN 0 AND 4294967295),
  bytes          bytea       NOT NULL,
  taken_at       timestamptz NOT NULL,
  PRIMARY KEY (stream_id, aggregate)
);

-- Row-level security by tenant, as on events: the store's connections set ledger.tenant to
-- '*' (every tenant); a connection scoped to one tenant sees and writes only its rows.
ALTER TABLE aggregate_snapshots ENABLE ROW LEVEL SECURITY;
ALTER TABLE aggregate_snapshots FORCE ROW LEVEL SECURITY;
CREATE POLICY aggregate_snapshots_writer ON aggregate_snapshots FOR ALL TO ledger_writer
  USING (current_setting('ledger.tenant', true) = '*'
         OR tenant_id = current_setting('ledger.tenant', true))
  WITH CHECK (current_setting('ledger.tenant', true) = '*'
              OR tenant_id = current_setting('ledger.tenant', true));

-- Privileges: the writer (which runs commands) reads, saves, replaces and deletes snapshots;
-- they are not history, so no immutability applies. No other role is granted anything:
-- readers query read models, and auditors verify events, never a cache of them.
REVOKE ALL ON aggregate_snapshots FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON aggregate_snapshots TO ledger_writer;
