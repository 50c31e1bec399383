ALTER TABLE order_items_archive DROP COLUMN price_list_ref_id;
