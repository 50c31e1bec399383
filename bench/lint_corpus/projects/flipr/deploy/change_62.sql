-- Deploy flipr:change_62 to pg

BEGIN;

ALTER TABLE f_stock_levels ADD COLUMN slug varchar(120);
INSERT INTO f_carts (id) VALUES (5553) ON CONFLICT DO NOTHING;
ALTER TABLE f_price_lists ALTER COLUMN priority TYPE bigint;
ALTER TABLE f_coupons ADD COLUMN status varchar(32);

COMMIT;
