BEGIN;

ALTER TABLE reviews ADD COLUMN warehouse_ref_id bigint;
ALTER TABLE reviews ADD CONSTRAINT reviews_warehouse_ref_id_fkey FOREIGN KEY (warehouse_ref_id) REFERENCES warehouses (id);

COMMIT;
