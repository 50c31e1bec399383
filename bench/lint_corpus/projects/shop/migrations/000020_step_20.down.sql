ALTER TABLE addresses DROP COLUMN cart_link_id;
