DROP TABLE id_webhooks;
ALTER TABLE id_categories DROP COLUMN is_default;
DROP TABLE id_tax_rates;
