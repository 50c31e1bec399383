DROP INDEX IF EXISTS idx_users_remote_id_2;
