ALTER TABLE api_keys ADD COLUMN cart_item_ref_id bigint;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_cart_item_ref_id_fkey FOREIGN KEY (cart_item_ref_id) REFERENCES cart_items (id);
CREATE INDEX idx_api_keys_expires_at ON api_keys (expires_at);
ALTER TABLE categories ADD COLUMN subscription_ref_id bigint;
ALTER TABLE categories ADD CONSTRAINT categories_subscription_ref_id_fkey FOREIGN KEY (subscription_ref_id) REFERENCES subscriptions (id);
CREATE OR REPLACE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;
DROP TRIGGER IF EXISTS cart_items_set_updated_at ON cart_items;
CREATE TRIGGER cart_items_set_updated_at BEFORE UPDATE ON cart_items FOR EACH ROW EXECUTE FUNCTION set_updated_at();
COMMENT ON TABLE jobs IS 'owned by the jobs service';
