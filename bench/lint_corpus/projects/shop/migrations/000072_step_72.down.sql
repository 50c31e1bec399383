ALTER TABLE shipments DROP COLUMN invoice_link_id;
