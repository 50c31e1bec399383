ALTER TABLE id_shipments DROP COLUMN public_id;
