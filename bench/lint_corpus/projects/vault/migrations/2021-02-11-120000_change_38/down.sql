ALTER TABLE v_coupons DROP COLUMN position;
