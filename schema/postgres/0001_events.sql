-- PostgreSQL event store, version 1. Filled in by the PostgreSQL store work.
SELECT 1;
