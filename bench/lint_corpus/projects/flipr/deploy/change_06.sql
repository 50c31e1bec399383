-- Deploy flipr:change_06 to pg

CREATE INDEX CONCURRENTLY IF NOT EXISTS f_order_items_created_at_cidx ON f_order_items (created_at);
