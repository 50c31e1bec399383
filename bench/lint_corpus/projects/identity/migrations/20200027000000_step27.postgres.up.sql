ALTER TABLE id_customers RENAME COLUMN priority TO new_priority;
