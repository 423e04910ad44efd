-- PostgreSQL event store, version 1: roles, the events and streams tables, immutability
-- triggers, row-level security. docs/storage.md explains every choice; the store that uses
-- it is adapters/postgres. Applied by `ledger migrate` in one transaction, as the owner.

-- Group roles (NOLOGIN; cluster-wide, so another database may have created them already,
-- possibly at this very moment: a lost race is not an error). Login roles are granted
-- membership; the store runs SET ROLE ledger_writer on its connections.
DO $roles$
DECLARE
  r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['ledger_writer', 'ledger_projector', 'ledger_reader', 'ledger_auditor']
  LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
      BEGIN
        EXECUTE format('CREATE ROLE %I NOLOGIN', r);
      EXCEPTION WHEN duplicate_object OR unique_violation THEN
        NULL;
      END;
    END IF;
  END LOOP;
  -- The owner may act as the application roles (the CLI with an owner URL appends as
  -- ledger_writer). Best effort: an owner without CREATEROLE cannot grant this, and a login
  -- role can be granted membership by an administrator instead.
  FOREACH r IN ARRAY ARRAY['ledger_writer', 'ledger_projector', 'ledger_reader', 'ledger_auditor']
  LOOP
    IF NOT pg_has_role(current_user, r, 'MEMBER') THEN
      BEGIN
        EXECUTE format('GRANT %I TO %I', r, current_user);
      EXCEPTION WHEN insufficient_privilege OR unique_violation OR internal_error THEN
        RAISE NOTICE 'ledger: could not grant % to %; grant it to the login role that runs the store', r, current_user;
      END;
    END IF;
  END LOOP;
END
$roles$;

-- Global positions: drawn by appends after the stream lock and expected-version check.
-- CACHE 1 (the default) matters: a cached range per session would hand out positions out of
-- order between sessions, and a stream's versions must get increasing positions.
CREATE SEQUENCE events_global_position_seq AS bigint START 1 CACHE 1 NO CYCLE;

CREATE TABLE events (
  global_position bigint      NOT NULL DEFAULT nextval('events_global_position_seq') PRIMARY KEY,
  -- Log order is (commit_key, global_position). commit_key = greatest(writer's xid, the
  -- stream's previous commit_key), taken under the stream lock; readers stop below the
  -- oldest running transaction. See docs/storage.md, "Ordering".
  commit_key      xid8        NOT NULL,
  writer_xid      xid8        NOT NULL DEFAULT pg_current_xact_id(),
  stream_id       text        NOT NULL,
  stream_version  bigint      NOT NULL CHECK (stream_version >= 1),
  event_id        uuid        NOT NULL UNIQUE,
  event_type      text        NOT NULL,
  schema_version  bigint      NOT NULL CHECK (schema_version BETWEEN 1 AND 4294967295),
  tenant_id       text        NOT NULL,
  -- json, not jsonb: json keeps the bytes exactly (the stream hash covers them) and accepts
  -- \u0000, which jsonb refuses.
  payload         json        NOT NULL,
  correlation_id  text        NOT NULL DEFAULT '',
  causation_id    text        NOT NULL DEFAULT '',
  actor           text        NOT NULL DEFAULT '',
  source          text        NOT NULL DEFAULT '',
  raw_body        bytea,
  recorded_at     timestamptz NOT NULL,
  stream_hash     bytea       NOT NULL CHECK (octet_length(stream_hash) = 32),
  UNIQUE (stream_id, stream_version),
  CHECK (commit_key >= writer_xid)
);
ALTER SEQUENCE events_global_position_seq OWNED BY events.global_position;
CREATE INDEX events_log_order ON events (commit_key, global_position);

-- One row per stream: its head, and the row appends lock (SELECT ... FOR UPDATE) so that a
-- stream has one writer at a time. A row with version 0 is an empty stream (an append
-- creates it before locking it).
CREATE TABLE streams (
  stream_id        text        NOT NULL PRIMARY KEY,
  tenant_id        text        NOT NULL,
  version          bigint      NOT NULL CHECK (version >= 0),
  hash             bytea       NOT NULL CHECK (octet_length(hash) = 32),
  last_recorded_at timestamptz NOT NULL,
  last_commit_key  xid8        NOT NULL
);

-- Immutability, second layer (the first is that no application role is granted UPDATE,
-- DELETE or TRUNCATE): these triggers refuse those for everyone, the owner included.
-- Statement-level triggers fire even when no row matches (e.g. when RLS hides every row);
-- row-level ones are the classic guard. A superuser can still disable triggers, which is
-- why every event is hash-chained.
CREATE FUNCTION ledger_refuse_event_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger: events are append-only; % on events is refused', TG_OP
    USING ERRCODE = 'restrict_violation',
          HINT = 'history is corrected by appending new events, never by changing old ones';
END
$$;
CREATE TRIGGER events_append_only_rows BEFORE UPDATE OR DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_event_change();
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_event_change();

-- The writer may delete only the empty placeholder rows of appends that failed.
CREATE FUNCTION ledger_refuse_stream_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.version > 0 THEN
    RAISE EXCEPTION 'ledger: stream % has events; its head row cannot be deleted', OLD.stream_id
      USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN OLD;
END
$$;
CREATE TRIGGER streams_keep_heads BEFORE DELETE ON streams
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_stream_delete();

-- Import keeps given positions: afterwards the sequence must continue past them. Moves the
-- sequence forward only, under the lock every append takes (so no append draws a position
-- meanwhile); the writer may call it but has no right to set the sequence itself.
CREATE FUNCTION ledger_advance_global_position(target bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
  next_value bigint;
BEGIN
  LOCK TABLE streams IN EXCLUSIVE MODE;
  SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END INTO next_value
    FROM events_global_position_seq;
  IF target >= next_value THEN
    PERFORM setval('events_global_position_seq', target, true);
  END IF;
END
$$;
REVOKE ALL ON FUNCTION ledger_advance_global_position(bigint) FROM PUBLIC;

-- Row-level security by tenant, from the setting ledger.tenant (set per transaction with
-- set_config(..., true) by the server; the store's own connections set '*' for the session).
-- FORCE: the owner is subject to it too. ledger_reader sees exactly its tenant and nothing
-- when the setting is absent; the store's roles may also use '*' for every tenant.
ALTER TABLE events ENABLE ROW LEVEL SECURITY;
ALTER TABLE events FORCE ROW LEVEL SECURITY;
CREATE POLICY events_reader_own_tenant ON events FOR SELECT TO ledger_reader
  USING (tenant_id = current_setting('ledger.tenant', true));
CREATE POLICY events_store_read ON events FOR SELECT
  TO ledger_writer, ledger_projector, ledger_auditor
  USING (current_setting('ledger.tenant', true) = '*'
         OR tenant_id = current_setting('ledger.tenant', true));
CREATE POLICY events_writer_append ON events FOR INSERT TO ledger_writer
  WITH CHECK (current_setting('ledger.tenant', true) = '*'
              OR tenant_id = current_setting('ledger.tenant', true));

-- Privileges: INSERT and SELECT on events at most; never UPDATE, DELETE or TRUNCATE.
REVOKE ALL ON events, streams, schema_migrations FROM PUBLIC;
GRANT SELECT ON schema_migrations TO ledger_writer, ledger_projector, ledger_reader, ledger_auditor;
GRANT SELECT, INSERT ON events TO ledger_writer;
GRANT SELECT ON events TO ledger_projector, ledger_reader, ledger_auditor;
GRANT SELECT, INSERT, UPDATE, DELETE ON streams TO ledger_writer;
GRANT SELECT ON streams TO ledger_auditor;
GRANT USAGE ON SEQUENCE events_global_position_seq TO ledger_writer;
GRANT EXECUTE ON FUNCTION ledger_advance_global_position(bigint) TO ledger_writer;
