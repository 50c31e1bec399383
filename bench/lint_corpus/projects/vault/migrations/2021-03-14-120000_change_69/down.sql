ALTER TABLE v_invoices DROP COLUMN expires_at;
DROP TABLE v_api_keys;
