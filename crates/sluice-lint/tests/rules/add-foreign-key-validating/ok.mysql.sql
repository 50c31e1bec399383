CREATE TABLE lines (id int PRIMARY KEY, order_id int);
ALTER TABLE lines ADD CONSTRAINT lines_fk FOREIGN KEY (order_id) REFERENCES orders (id);
