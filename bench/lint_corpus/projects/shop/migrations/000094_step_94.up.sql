BEGIN;

ALTER TABLE tax_rates ADD COLUMN webhook_ref_id bigint;
ALTER TABLE tax_rates ADD CONSTRAINT tax_rates_webhook_ref_id_fkey FOREIGN KEY (webhook_ref_id) REFERENCES webhooks (id);

COMMIT;
