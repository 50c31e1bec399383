CREATE INDEX CONCURRENTLY IF NOT EXISTS coupons_id_cidx ON coupons (id);
