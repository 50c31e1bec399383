BEGIN;

ALTER TABLE addresses VALIDATE CONSTRAINT addresses_cart_link_id_fkey;

COMMIT;
