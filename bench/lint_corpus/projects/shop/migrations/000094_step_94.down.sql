ALTER TABLE tax_rates DROP COLUMN webhook_ref_id;
