DROP INDEX IF EXISTS idx_users_16_id;
