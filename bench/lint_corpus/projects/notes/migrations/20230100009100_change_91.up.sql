CREATE INDEX IF NOT EXISTS idx_users_id ON users (id);
