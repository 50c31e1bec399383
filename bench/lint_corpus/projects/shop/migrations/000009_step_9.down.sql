ALTER TABLE addresses DROP COLUMN order_link_id;
