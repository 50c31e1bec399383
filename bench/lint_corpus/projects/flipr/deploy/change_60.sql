-- Deploy flipr:change_60 to pg

BEGIN;

ALTER TABLE f_carts ADD COLUMN is_default boolean;
ALTER TABLE f_order_items ADD COLUMN position integer;

COMMIT;
