DROP INDEX idx_warehouses_created_at;
