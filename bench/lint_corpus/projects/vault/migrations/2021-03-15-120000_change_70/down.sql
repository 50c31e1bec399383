DROP INDEX CONCURRENTLY IF EXISTS v_cart_items_v_payment_id_cidx;
