ALTER TABLE shipments DROP CONSTRAINT shipments_id_not_null;
