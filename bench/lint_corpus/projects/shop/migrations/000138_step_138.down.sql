ALTER TABLE teams DROP COLUMN cart_item_link_id;
