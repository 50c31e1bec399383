ALTER TABLE notebooks DROP COLUMN remote_id;
