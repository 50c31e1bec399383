ALTER TABLE orders COMMENT = 'orders';
