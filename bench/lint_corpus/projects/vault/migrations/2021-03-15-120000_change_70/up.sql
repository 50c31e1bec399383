CREATE INDEX CONCURRENTLY IF NOT EXISTS v_cart_items_v_payment_id_cidx ON v_cart_items (v_payment_id);
