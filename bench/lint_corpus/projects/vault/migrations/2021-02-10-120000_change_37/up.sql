CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS v_customers_v_categorie_id_key ON v_customers (v_categorie_id);
