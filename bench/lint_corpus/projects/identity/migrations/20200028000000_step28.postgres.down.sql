ALTER TABLE id_products ADD COLUMN new_priority smallint;
