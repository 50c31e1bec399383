ALTER TABLE orders ADD COLUMN total bigint AS (qty * price) STORED;
