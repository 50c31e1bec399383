ALTER TABLE t SET (autovacuum_enabled = off);
