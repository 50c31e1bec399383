DROP INDEX idx_v_products_archive_archived_at;
DROP TABLE v_warehouses;
