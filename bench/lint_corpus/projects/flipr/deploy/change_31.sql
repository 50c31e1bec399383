-- Deploy flipr:change_31 to pg

BEGIN;

ALTER TABLE f_payments ADD COLUMN f_order_link_id bigint;
ALTER TABLE f_payments ADD CONSTRAINT f_payments_f_order_link_id_fkey FOREIGN KEY (f_order_link_id) REFERENCES f_orders (id) NOT VALID;

COMMIT;
