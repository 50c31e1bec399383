-- Dropped and created again in the same transaction: no other session sees them missing.
DROP VIEW active_orders;
CREATE VIEW active_orders AS SELECT * FROM orders WHERE status <> 'done';
DROP FUNCTION public.order_total(integer);
CREATE FUNCTION public.order_total(o integer) RETURNS numeric LANGUAGE sql AS $$ SELECT sum(amount) FROM lines WHERE order_id = o $$;
DROP TRIGGER orders_touch ON orders;
CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();
DROP POLICY orders_owner ON orders;
CREATE POLICY orders_owner ON orders USING (owner = current_user);
ALTER TABLE orders DROP CONSTRAINT orders_amount_check;
ALTER TABLE orders ADD CONSTRAINT orders_amount_check CHECK (amount >= 0) NOT VALID;
ALTER TABLE orders ALTER COLUMN status DROP DEFAULT;
ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'new';
