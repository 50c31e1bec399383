DROP TRIGGER coupons_set_updated_at ON coupons;
ALTER TABLE products DROP COLUMN amount_cents;
