COMMENT ON TABLE jobs IS NULL;
DROP TRIGGER cart_items_set_updated_at ON cart_items;
ALTER TABLE categories DROP COLUMN subscription_ref_id;
DROP INDEX idx_api_keys_expires_at;
ALTER TABLE api_keys DROP COLUMN cart_item_ref_id;
