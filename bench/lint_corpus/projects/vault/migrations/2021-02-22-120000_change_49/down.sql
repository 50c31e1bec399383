ALTER TABLE v_shipments DROP COLUMN currency;
