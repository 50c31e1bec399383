-- transaction: false
-- The near miss: each drop commits before the object exists again.
BEGIN;
DROP VIEW active_orders;
COMMIT;
CREATE VIEW active_orders AS SELECT * FROM orders WHERE status <> 'done';
DROP TRIGGER orders_touch ON orders;
CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();
