ALTER TABLE audit_logs ADD COLUMN email varchar(255);
