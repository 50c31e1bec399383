-- server-version: 14.4
-- transaction: false
CREATE INDEX CONCURRENTLY orders_idx ON orders (id);
