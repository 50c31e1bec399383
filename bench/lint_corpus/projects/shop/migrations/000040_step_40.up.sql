ALTER TABLE tax_rates ADD COLUMN refund_link_id bigint;
ALTER TABLE tax_rates ADD CONSTRAINT tax_rates_refund_link_id_fkey FOREIGN KEY (refund_link_id) REFERENCES refunds (id) NOT VALID;
