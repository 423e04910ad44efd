-- PostgreSQL event store, version 5: LZ4 instead of pglz for the two large columns of events.
-- A provider event's payload and raw body (a few KB each) take its row over the TOAST
-- threshold, so every insert compresses them; with pglz that was half of a webhook batch's
-- INSERT time, paid by the one committing backend while the batch waits (docs/performance.md).
-- LZ4 compresses several times faster. Only rows written from now on use it (no rewrite; the
-- ALTER changes the catalog only); older rows stay readable as they are. A server built
-- without LZ4 refuses the statement with feature_not_supported and keeps pglz.
DO $lz4$
BEGIN
  ALTER TABLE events ALTER COLUMN payload SET COMPRESSION lz4,
                     ALTER COLUMN raw_body SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
  RAISE NOTICE 'ledger: this server has no LZ4; events keep pglz compression';
END
$lz4$;
