-- transaction: false
CREATE INDEX CONCURRENTLY orders_idx ON orders (id);
