ALTER TABLE stock_levels DROP COLUMN amount_cents;
