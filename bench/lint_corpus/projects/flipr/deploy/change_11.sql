-- Deploy flipr:change_11 to pg

CREATE INDEX CONCURRENTLY IF NOT EXISTS f_order_items_id_cidx ON f_order_items (id);
