ALTER TABLE reviews DROP COLUMN amount_cents;
