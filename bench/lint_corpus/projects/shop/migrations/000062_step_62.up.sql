ALTER TABLE order_items_archive ADD COLUMN price_list_ref_id bigint;
ALTER TABLE order_items_archive ADD CONSTRAINT order_items_archive_price_list_ref_id_fkey FOREIGN KEY (price_list_ref_id) REFERENCES price_lists (id);
