ALTER TABLE reviews DROP COLUMN currency;
