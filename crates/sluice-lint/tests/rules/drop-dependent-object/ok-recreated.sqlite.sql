DROP VIEW active_orders;
CREATE VIEW active_orders AS SELECT * FROM orders WHERE status <> 'done';
DROP TRIGGER orders_touch;
CREATE TRIGGER orders_touch AFTER UPDATE ON orders BEGIN UPDATE orders SET touched = 1 WHERE id = new.id; END;
