DROP INDEX idx_coupons_addresse_id;
ALTER TABLE api_keys DROP COLUMN expires_at;
