COMMENT ON TABLE id_order_items IS 'owned by the id_order_items service';
