ALTER TABLE carts RENAME TO carts_archive;
CREATE INDEX idx_suppliers_customer_id ON suppliers (customer_id);
