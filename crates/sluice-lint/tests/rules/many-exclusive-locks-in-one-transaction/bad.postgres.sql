ALTER TABLE orders ADD COLUMN a int;
ALTER TABLE customers ADD COLUMN b int;
