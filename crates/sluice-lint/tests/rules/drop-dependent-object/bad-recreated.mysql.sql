-- MySQL commits each DDL statement: between the two, writes skip the trigger.
DROP TRIGGER orders_touch;
CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW SET NEW.touched = 1;
