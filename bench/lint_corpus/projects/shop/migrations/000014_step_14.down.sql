COMMENT ON TABLE payments IS NULL;
ALTER TABLE order_items DROP CONSTRAINT order_items_order_id_not_null_v;
