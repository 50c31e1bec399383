-- Deploy flipr:change_07 to pg

BEGIN;

ALTER TABLE f_orders ADD COLUMN f_order_item_link_id bigint;
ALTER TABLE f_orders ADD CONSTRAINT f_orders_f_order_item_link_id_fkey FOREIGN KEY (f_order_item_link_id) REFERENCES f_order_items (id) NOT VALID;

COMMIT;
