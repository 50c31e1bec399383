-- Revert flipr:change_24 from pg

BEGIN;

DROP INDEX idx_f_order_items_updated_at;

COMMIT;
