-- Deploy flipr:change_57 to pg

BEGIN;

INSERT INTO f_customers (id) VALUES (3205) ON CONFLICT DO NOTHING;
ALTER TABLE f_addresses ADD COLUMN metadata jsonb;

COMMIT;
