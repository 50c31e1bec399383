-- server-version: 8.0.35
-- table-size: orders rows=2000 bytes=500000 row-versions=3
-- table-size: items rows=2000 bytes=500000 row-versions=60
ALTER TABLE orders ADD COLUMN note varchar(200);
ALTER TABLE items ADD INDEX items_sku (sku);
