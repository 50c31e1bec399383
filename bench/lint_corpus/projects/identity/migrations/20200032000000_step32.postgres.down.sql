DROP FUNCTION count_id_addresses(bigint);
ALTER TABLE id_addresses ALTER COLUMN external_ref TYPE varchar(64);
DROP INDEX idx_id_customers_position;
