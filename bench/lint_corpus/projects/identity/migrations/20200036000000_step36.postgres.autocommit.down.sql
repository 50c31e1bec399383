DROP INDEX CONCURRENTLY IF EXISTS id_products_id_order_id_cidx;
