DROP TABLE shipments;
ALTER TABLE invoices DROP COLUMN metadata;
