ALTER TABLE shipments ADD CONSTRAINT shipments_id_not_null CHECK (id IS NOT NULL) NOT VALID;
