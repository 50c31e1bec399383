ALTER TABLE payments DROP COLUMN currency;
ALTER TABLE order_items DROP COLUMN public_id;
