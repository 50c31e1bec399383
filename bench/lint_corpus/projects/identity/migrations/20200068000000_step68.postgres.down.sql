ALTER TABLE id_cart_items DROP COLUMN is_active_flag;
