-- server-version: 8.0.35
-- table-size: orders rows=2000 bytes=500000 row-versions=60
-- table-size: items rows=2000 bytes=500000 row-versions=64
ALTER TABLE orders ADD COLUMN note varchar(200);
ALTER TABLE items DROP COLUMN legacy;
