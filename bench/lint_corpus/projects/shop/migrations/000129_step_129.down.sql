ALTER TABLE audit_logs ADD COLUMN external_ref varchar(64);
ALTER TABLE customers RENAME COLUMN new_priority TO priority;
