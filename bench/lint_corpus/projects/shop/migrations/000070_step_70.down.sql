DROP INDEX idx_suppliers_customer_id;
ALTER TABLE carts_archive RENAME TO carts;
