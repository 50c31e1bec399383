ALTER TABLE invoices ADD COLUMN state text;
UPDATE invoices SET state = 'active' WHERE state IS NULL;
ALTER TABLE invoices ALTER COLUMN state SET NOT NULL;
ALTER TABLE carts_archive ADD COLUMN webhook_ref_id bigint;
ALTER TABLE carts_archive ADD CONSTRAINT carts_archive_webhook_ref_id_fkey FOREIGN KEY (webhook_ref_id) REFERENCES webhooks (id);
