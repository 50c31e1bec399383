-- Deploy flipr:change_08 to pg

BEGIN;

ALTER TABLE f_orders VALIDATE CONSTRAINT f_orders_f_order_item_link_id_fkey;

COMMIT;
