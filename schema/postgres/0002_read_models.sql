-- PostgreSQL read models, version 1: the checkpoint table of subscribers (projectors, the
-- translator) and the rights that let ledger_projector create and own read-model tables.
-- The read-model tables themselves are created at run time by the store
-- (adapters/postgres/pg_read_model_store.h) from each projector's declaration, with their
-- row-level security policies; docs/read-models.md lists them and every policy.

-- One row per subscriber (engine/checkpoint_store.h). Moved by compare-and-set on position,
-- in the same transaction as the rows it covers. Not tenant-scoped: a subscriber reads the
-- whole log, every tenant's events.
CREATE TABLE projection_checkpoints (
  name       text        NOT NULL PRIMARY KEY,
  version    bigint      NOT NULL CHECK (version BETWEEN 0 AND 4294967295),
  position   bigint      NOT NULL CHECK (position >= 0),
  events     bigint      NOT NULL CHECK (events >= 0),
  updated_at timestamptz NOT NULL
);

REVOKE ALL ON projection_checkpoints FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON projection_checkpoints TO ledger_projector;
-- Readers and auditors may see how far behind the log each read model is (lag).
GRANT SELECT ON projection_checkpoints TO ledger_reader, ledger_auditor;

-- The projector creates read-model tables in the public schema, and separate schemas for
-- point-in-time replays (`--into postgresql://...?schema=NAME`); it owns what it creates.
-- Best effort, like the role grants of 0001: an owner that may not grant these is told so,
-- and an administrator grants them instead.
DO $grants$
BEGIN
  BEGIN
    GRANT CREATE ON SCHEMA public TO ledger_projector;
  EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'ledger: could not grant CREATE on schema public to ledger_projector';
  END;
  BEGIN
    EXECUTE format('GRANT CREATE ON DATABASE %I TO ledger_projector', current_database());
  EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'ledger: could not grant CREATE on database % to ledger_projector',
      current_database();
  END;
END
$grants$;
