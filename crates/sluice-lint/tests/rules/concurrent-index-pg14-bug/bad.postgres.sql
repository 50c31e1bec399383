-- server-version: 14.2
-- transaction: false
CREATE INDEX CONCURRENTLY orders_idx ON orders (id);
