BEGIN;

ALTER TABLE teams ADD COLUMN cart_item_link_id bigint;
ALTER TABLE teams ADD CONSTRAINT teams_cart_item_link_id_fkey FOREIGN KEY (cart_item_link_id) REFERENCES cart_items (id) NOT VALID;

COMMIT;
