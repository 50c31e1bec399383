ALTER TABLE v_shipments ALTER COLUMN email TYPE varchar(255);
ALTER TABLE v_payments DROP COLUMN expires_at;
