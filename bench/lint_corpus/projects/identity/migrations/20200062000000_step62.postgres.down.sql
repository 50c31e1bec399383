ALTER TABLE id_refunds DROP COLUMN id_invoice_link_id;
