ALTER TABLE stock_levels DROP COLUMN import_ref_id;
