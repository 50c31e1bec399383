DROP INDEX CONCURRENTLY IF EXISTS v_customers_v_categorie_id_key;
