CREATE INDEX IF NOT EXISTS idx_users_remote_id_2 ON users (remote_id_2);
