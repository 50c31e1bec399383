UPDATE orders SET status = 'open' WHERE id < 1000;
CREATE TABLE fresh (a int);
DELETE FROM fresh;
