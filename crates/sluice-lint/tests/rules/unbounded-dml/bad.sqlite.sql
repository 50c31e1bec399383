UPDATE orders SET status = 'open';
DELETE FROM carts;
