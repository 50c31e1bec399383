BEGIN;

CREATE INDEX idx_warehouses_created_at ON warehouses (created_at);

COMMIT;
