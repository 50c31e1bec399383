DROP INDEX CONCURRENTLY IF EXISTS id_cart_items_status_cidx;
