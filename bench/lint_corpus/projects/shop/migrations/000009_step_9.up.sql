BEGIN;

ALTER TABLE addresses ADD COLUMN order_link_id bigint;
ALTER TABLE addresses ADD CONSTRAINT addresses_order_link_id_fkey FOREIGN KEY (order_link_id) REFERENCES orders (id) NOT VALID;

COMMIT;
