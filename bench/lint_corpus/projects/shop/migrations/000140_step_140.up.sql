BEGIN;

ALTER TABLE suppliers ALTER COLUMN locale TYPE varchar(20);
DROP FUNCTION IF EXISTS count_invoices(bigint);
CREATE FUNCTION count_invoices(owner bigint) RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM invoices WHERE id > owner $$;
CREATE INDEX idx_price_lists_is_default ON price_lists (is_default);
ALTER TABLE refunds ADD COLUMN metadata jsonb;

COMMIT;
