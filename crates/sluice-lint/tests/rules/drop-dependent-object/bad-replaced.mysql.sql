CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW SET NEW.touched = 1;
-- next migration
-- The trigger exists (an earlier migration made it): between the two, writes skip it.
DROP TRIGGER IF EXISTS orders_touch;
CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW SET NEW.touched = 2;
