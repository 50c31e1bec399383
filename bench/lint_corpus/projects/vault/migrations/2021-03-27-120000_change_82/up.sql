ALTER TABLE v_audit_logs ADD COLUMN v_invoice_link_id bigint;
ALTER TABLE v_audit_logs ADD CONSTRAINT v_audit_logs_v_invoice_link_id_fkey FOREIGN KEY (v_invoice_link_id) REFERENCES v_invoices (id) NOT VALID;
