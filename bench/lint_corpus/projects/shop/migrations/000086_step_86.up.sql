ALTER TABLE tax_rates ADD CONSTRAINT tax_rates_created_at_not_null CHECK (created_at IS NOT NULL) NOT VALID;
