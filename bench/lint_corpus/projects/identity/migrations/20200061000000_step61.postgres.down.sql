COMMENT ON TABLE id_order_items IS NULL;
