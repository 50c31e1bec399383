ALTER TABLE products ADD COLUMN sku2 text;
