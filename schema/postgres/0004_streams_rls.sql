-- PostgreSQL event store, version 4: row-level security on `streams`, the head-and-lock table
-- of migration 1. Its rows name every stream with its tenant, version, hash and last time;
-- until now the roles granted it (ledger_writer, ledger_auditor) saw every tenant's rows
-- whatever ledger.tenant said. The grants of migration 1 stay as they are.
--
-- The rule is the one on events, from the transaction- or session-local setting
-- ledger.tenant read with current_setting(..., true): '*' is every tenant (the event store's
-- own connections set it for their session, and every append, import and placeholder
-- clean-up runs under it), any other value is that one tenant, and no setting is no row.
-- One difference: an empty setting counts as none (nullif). A connection whose earlier
-- transaction set the tenant reads '' afterwards, not NULL, and '' is the tenant of an
-- append's placeholder rows, which such a connection must neither see nor create.
-- FORCE: the owner is bound too (it acts through its membership of the roles below).
--
-- Appends lock rows with SELECT ... FOR UPDATE (needs the SELECT and UPDATE policies), create
-- placeholders with INSERT ... ON CONFLICT DO NOTHING RETURNING (INSERT and SELECT), advance
-- heads with UPDATE and drop unused placeholders with DELETE; import upserts heads with
-- INSERT ... ON CONFLICT DO UPDATE, where the existing row must pass the SELECT and UPDATE
-- USING rules or the statement fails. Under '*' all of them pass; under one tenant a writer
-- reaches only that tenant's rows and cannot move a row to another tenant. A placeholder's
-- tenant is '' until its append fills the head, so only a '*' scope creates or locks one.
ALTER TABLE streams ENABLE ROW LEVEL SECURITY;
ALTER TABLE streams FORCE ROW LEVEL SECURITY;

CREATE POLICY streams_store_read ON streams FOR SELECT TO ledger_writer, ledger_auditor
  USING (current_setting('ledger.tenant', true) = '*'
         OR tenant_id = nullif(current_setting('ledger.tenant', true), ''));
CREATE POLICY streams_writer_insert ON streams FOR INSERT TO ledger_writer
  WITH CHECK (current_setting('ledger.tenant', true) = '*'
              OR tenant_id = nullif(current_setting('ledger.tenant', true), ''));
CREATE POLICY streams_writer_update ON streams FOR UPDATE TO ledger_writer
  USING (current_setting('ledger.tenant', true) = '*'
         OR tenant_id = nullif(current_setting('ledger.tenant', true), ''))
  WITH CHECK (current_setting('ledger.tenant', true) = '*'
              OR tenant_id = nullif(current_setting('ledger.tenant', true), ''));
CREATE POLICY streams_writer_delete ON streams FOR DELETE TO ledger_writer
  USING (current_setting('ledger.tenant', true) = '*'
         OR tenant_id = nullif(current_setting('ledger.tenant', true), ''));
