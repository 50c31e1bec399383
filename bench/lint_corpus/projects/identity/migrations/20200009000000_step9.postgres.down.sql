ALTER TABLE id_products RENAME COLUMN new_priority TO priority;
