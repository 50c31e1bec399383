ALTER TABLE suppliers DROP COLUMN email;
DROP TABLE tax_rates;
