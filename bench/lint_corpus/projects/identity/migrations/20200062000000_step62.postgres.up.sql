ALTER TABLE id_refunds ADD COLUMN id_invoice_link_id bigint;
ALTER TABLE id_refunds ADD CONSTRAINT id_refunds_id_invoice_link_id_fkey FOREIGN KEY (id_invoice_link_id) REFERENCES id_invoices (id) NOT VALID;
