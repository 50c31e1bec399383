CREATE INDEX CONCURRENTLY IF NOT EXISTS v_categories_v_addresse_link_id_cidx ON v_categories (v_addresse_link_id);
