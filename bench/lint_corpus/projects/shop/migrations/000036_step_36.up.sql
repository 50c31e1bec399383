DELETE FROM coupons WHERE created_at < now() - interval '2 years';
ALTER TABLE reviews ADD COLUMN archived_at timestamptz;
