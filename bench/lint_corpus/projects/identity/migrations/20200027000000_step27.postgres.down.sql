ALTER TABLE id_customers RENAME COLUMN new_priority TO priority;
