-- Deploy flipr:change_24 to pg

BEGIN;

CREATE INDEX idx_f_order_items_updated_at ON f_order_items (updated_at);

COMMIT;
