-- Deploy flipr:change_45 to pg

BEGIN;

CREATE INDEX idx_f_carts_id ON f_carts (id);
DROP VIEW IF EXISTS f_addresses_summary;
CREATE VIEW f_addresses_summary AS SELECT id, created_at, updated_at FROM f_addresses WHERE id > 0;

COMMIT;
