-- SQLite read models, version 1: the checkpoint table of subscribers (projectors, the
-- translator). The read-model tables themselves are created at run time by the store
-- (adapters/sqlite/sqlite_read_model_store.h) from each projector's declaration. Never edit
-- this file once shipped: add 0003_... instead.

-- One row per subscriber (engine/checkpoint_store.h), moved by compare-and-set on position in
-- the same transaction as the rows it covers. The name is the key, compared bytewise, which is
-- the order LoadCheckpoints lists them in. Unsigned values of the engine are stored as
-- INTEGER (int64): the store refuses what does not fit rather than wrapping it.
CREATE TABLE projection_checkpoints (
  name       TEXT    NOT NULL PRIMARY KEY,
  version    INTEGER NOT NULL CHECK (version BETWEEN 0 AND 4294967295),
  position   INTEGER NOT NULL CHECK (position >= 0),
  events     INTEGER NOT NULL CHECK (events >= 0),
  updated_at INTEGER NOT NULL               -- microseconds since the Unix epoch, UTC
) STRICT, WITHOUT ROWID;
