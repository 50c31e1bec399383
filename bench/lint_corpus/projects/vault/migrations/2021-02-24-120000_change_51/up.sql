ALTER TABLE v_payments ADD COLUMN expires_at timestamptz;
ALTER TABLE v_shipments ALTER COLUMN email TYPE varchar(510);
