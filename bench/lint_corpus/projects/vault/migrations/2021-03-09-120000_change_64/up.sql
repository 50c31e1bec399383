DROP VIEW IF EXISTS v_addresses_summary;
CREATE VIEW v_addresses_summary AS SELECT id, created_at, updated_at FROM v_addresses WHERE id > 0;
