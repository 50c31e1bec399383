ALTER TABLE v_products_archive RENAME COLUMN new_priority TO priority;
DROP TABLE v_coupons;
