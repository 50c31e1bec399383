ALTER TABLE orders ADD COLUMN total bigint GENERATED ALWAYS AS (qty * price) STORED;
