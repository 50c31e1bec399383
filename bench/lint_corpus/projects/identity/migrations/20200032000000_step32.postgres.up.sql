CREATE INDEX idx_id_customers_position ON id_customers (position);
ALTER TABLE id_addresses ALTER COLUMN external_ref TYPE varchar(128);
DROP FUNCTION IF EXISTS count_id_addresses(bigint);
CREATE FUNCTION count_id_addresses(owner bigint) RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM id_addresses WHERE id > owner $$;
