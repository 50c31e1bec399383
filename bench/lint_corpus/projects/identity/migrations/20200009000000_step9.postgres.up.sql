ALTER TABLE id_products RENAME COLUMN priority TO new_priority;
