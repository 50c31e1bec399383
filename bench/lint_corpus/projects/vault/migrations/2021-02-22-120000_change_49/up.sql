ALTER TABLE v_shipments ADD COLUMN currency char(3);
