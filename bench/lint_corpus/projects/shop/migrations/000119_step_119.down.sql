ALTER TABLE carts_archive DROP COLUMN webhook_ref_id;
ALTER TABLE invoices DROP COLUMN state;
