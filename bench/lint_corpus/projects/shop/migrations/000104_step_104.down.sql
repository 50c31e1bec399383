ALTER TABLE reviews DROP COLUMN warehouse_ref_id;
