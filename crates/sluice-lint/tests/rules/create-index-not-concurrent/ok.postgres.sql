-- transaction: false
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer_idx ON orders (customer_id);
CREATE TABLE fresh (id bigint PRIMARY KEY, v int);
CREATE INDEX fresh_v_idx ON fresh (v);
