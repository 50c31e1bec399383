-- Deploy flipr:change_38 to pg

BEGIN;

CREATE INDEX idx_f_order_items_slug ON f_order_items (slug);

COMMIT;
