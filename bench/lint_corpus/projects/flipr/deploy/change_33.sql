-- Deploy flipr:change_33 to pg

BEGIN;

ALTER TABLE f_orders ADD COLUMN f_addresse_link_id bigint;
ALTER TABLE f_orders ADD CONSTRAINT f_orders_f_addresse_link_id_fkey FOREIGN KEY (f_addresse_link_id) REFERENCES f_addresses (id) NOT VALID;

COMMIT;
