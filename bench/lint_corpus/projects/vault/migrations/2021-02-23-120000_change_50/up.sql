DROP VIEW IF EXISTS v_suppliers_summary;
CREATE VIEW v_suppliers_summary AS SELECT id, created_at, updated_at FROM v_suppliers WHERE id > 0;
