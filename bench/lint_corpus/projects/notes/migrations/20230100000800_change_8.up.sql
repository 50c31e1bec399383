ALTER TABLE notebooks ADD COLUMN remote_id TEXT;
