ALTER TABLE refunds DROP COLUMN metadata;
DROP INDEX idx_price_lists_is_default;
DROP FUNCTION count_invoices(bigint);
ALTER TABLE suppliers ALTER COLUMN locale TYPE varchar(10);
