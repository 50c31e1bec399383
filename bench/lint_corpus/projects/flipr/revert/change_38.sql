-- Revert flipr:change_38 from pg

BEGIN;

DROP INDEX idx_f_order_items_slug;

COMMIT;
