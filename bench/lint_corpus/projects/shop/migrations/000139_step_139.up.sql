ALTER TABLE teams VALIDATE CONSTRAINT teams_cart_item_link_id_fkey;
ALTER TABLE feature_flags ADD COLUMN is_active boolean NOT NULL DEFAULT true;
