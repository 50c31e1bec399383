ALTER TABLE id_products DROP COLUMN new_priority;
