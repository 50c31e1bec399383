ALTER TABLE id_cart_items ALTER COLUMN status TYPE varchar(32);
