DROP TABLE id_warehouses;
DROP INDEX idx_id_coupons_updated_at;
