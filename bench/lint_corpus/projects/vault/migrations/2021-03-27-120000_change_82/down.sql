ALTER TABLE v_audit_logs DROP COLUMN v_invoice_link_id;
