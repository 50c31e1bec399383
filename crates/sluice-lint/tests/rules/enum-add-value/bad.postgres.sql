ALTER TYPE order_status ADD VALUE 'refunded';
INSERT INTO orders (status) VALUES ('refunded');
