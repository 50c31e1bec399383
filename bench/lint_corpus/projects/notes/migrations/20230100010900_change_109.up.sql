CREATE INDEX IF NOT EXISTS idx_users_16_id ON users_16 (id);
