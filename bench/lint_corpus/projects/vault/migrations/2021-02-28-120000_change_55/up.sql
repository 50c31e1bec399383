ALTER TABLE v_order_items ADD CONSTRAINT v_order_items_created_at_check CHECK (created_at IS DISTINCT FROM NULL);
