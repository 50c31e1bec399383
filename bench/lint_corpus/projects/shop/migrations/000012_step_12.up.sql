ALTER TABLE order_items ADD CONSTRAINT order_items_order_id_not_null CHECK (order_id IS NOT NULL) NOT VALID;
