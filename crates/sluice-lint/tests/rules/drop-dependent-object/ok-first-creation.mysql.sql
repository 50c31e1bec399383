-- No earlier migration created the trigger: the IF EXISTS drop only makes the file re-runnable.
DROP TRIGGER IF EXISTS orders_touch;
CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW SET NEW.touched = 1;
