BEGIN;

CREATE INDEX idx_order_items_updated_at ON order_items (updated_at);

COMMIT;
