BEGIN;

ALTER TABLE shipments ADD COLUMN invoice_link_id bigint;
ALTER TABLE shipments ADD CONSTRAINT shipments_invoice_link_id_fkey FOREIGN KEY (invoice_link_id) REFERENCES invoices (id) NOT VALID;

COMMIT;
