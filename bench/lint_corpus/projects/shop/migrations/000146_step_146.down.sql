DROP TABLE order_items_1;
ALTER TABLE taggings DROP COLUMN note;
