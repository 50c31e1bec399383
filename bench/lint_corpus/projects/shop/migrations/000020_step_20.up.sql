BEGIN;

ALTER TABLE addresses ADD COLUMN cart_link_id bigint;
ALTER TABLE addresses ADD CONSTRAINT addresses_cart_link_id_fkey FOREIGN KEY (cart_link_id) REFERENCES carts (id) NOT VALID;

COMMIT;
