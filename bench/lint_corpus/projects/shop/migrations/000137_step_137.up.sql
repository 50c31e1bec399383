BEGIN;

ALTER TABLE stock_levels ADD COLUMN import_ref_id bigint;
ALTER TABLE stock_levels ADD CONSTRAINT stock_levels_import_ref_id_fkey FOREIGN KEY (import_ref_id) REFERENCES imports (id);

COMMIT;
